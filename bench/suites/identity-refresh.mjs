/**
 * Refresh grants per second per core: `POST /api/v1/auth/refresh` through Rampart's whole chain,
 * each of the generator's connections following its own session's rotating chain (every answer's
 * refresh token is the next request's: one atomic rotation per grant, plus a new access token
 * signed with EdDSA). Keycloak publishes 120 refresh grants/s per vCPU: ours is printed in that
 * form, with the ratio. A refresh answered with anything but 200 breaks its chain and fails the
 * run (reuse detection would be a bug here); so do socket errors and timeouts.
 */
import {
  coreWarnings,
  formatTable,
  invalidLines,
  median,
  ms,
  runLoadScript,
  spread,
  times,
  watched,
  withServer,
} from '../identity/harness.mjs';
import { request } from '../identity/http.mjs';
import { rampart } from '../lib/servers.mjs';

const EMAIL = 'bench@example.test';
const PASSWORD = 'correct horse battery staple 42';
const KEYCLOAK_REFRESH_PER_VCPU = 120;

const SERVER = rampart({
  RAMPART_BOOTSTRAP_ADMIN_EMAIL: EMAIL,
  RAMPART_BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
  RAMPART_LOGIN_RATE_LIMIT: '100000',
});

/**
 * @param {import('../lib/settings.mjs').Settings} settings
 * @param {(line: string) => void} log
 */
async function measure(settings, log) {
  const result = {
    grantsPerSecond: 0,
    latencyMs: { p50: 0, p99: 0, max: 0 },
    cpuUsPerGrant: 0,
    /** @type {import('../lib/machine.mjs').CoreUse | undefined} */
    core: undefined,
    /** @type {string[]} */
    problems: [],
    /** @type {string[]} */
    notes: [],
  };
  return withServer(SERVER, settings, log, result, async ({ base, pinned, problems }) => {
    const spec = {
      mode: 'refresh',
      url: `${base}/api/v1/auth/refresh`,
      loginUrl: `${base}/api/v1/auth/login`,
      body: { email: EMAIL, password: PASSWORD },
      connections: settings.connections,
    };
    const check = (/** @type {import('../identity/harness.mjs').ScriptLoad} */ load, /** @type {string} */ phase) => {
      const odd = Object.entries(load.byStatus).filter(([status]) => status !== '200');
      for (const [status, count] of odd) problems.push(`${phase}: ${count} refreshes answered ${status}`);
      if (load.brokenChains > 0) problems.push(`${phase}: ${load.brokenChains} refresh chains broke`);
      if (load.errors + load.timeouts > 0) problems.push(`${phase}: ${load.errors} socket errors and ${load.timeouts} timeouts`);
      if (load.accepted === 0) problems.push(`${phase}: no refresh succeeded`);
    };
    // One session (one login) per connection, opened before each run: not measured.
    const openChains = async () => {
      const tokens = [];
      while (tokens.length < settings.connections) {
        const answer = await request('POST', spec.loginUrl, { json: spec.body });
        if (answer.status === 429) continue;
        if (answer.status !== 200) throw new Error(`a login answered ${answer.status}: ${answer.body.slice(0, 200)}`);
        tokens.push(answer.json.refresh_token);
      }
      return tokens;
    };
    if (settings.warmup > 0) {
      log(`  Rampart refresh: warm-up ${settings.warmup} s`);
      check(await runLoadScript(settings, { ...spec, tokens: await openChains(), seconds: settings.warmup }), 'warm-up');
    }
    const tokens = await openChains();
    log(`  Rampart refresh: measuring ${settings.duration} s`);
    const { value: load, core } = await watched(settings, pinned.pid, () =>
      runLoadScript(settings, { ...spec, tokens, seconds: settings.duration }),
    );
    check(load, 'measured run');
    result.core = core;
    result.grantsPerSecond = load.accepted / load.seconds;
    result.latencyMs = load.acceptedLatencyMs;
    if (load.accepted > 0) result.cpuUsPerGrant = (core.serverCpuSeconds / load.accepted) * 1e6;
    const after = await request('POST', `${base}/api/v1/auth/login`, { json: { email: EMAIL, password: PASSWORD } });
    const refreshed = await request('POST', `${base}/api/v1/auth/refresh`, { json: { refresh_token: after.json?.refresh_token } });
    if (refreshed.status !== 200) problems.push(`after: a refresh answered ${refreshed.status}`);
  });
}

/** @type {any} */
const suite = {
  name: 'identity-refresh',
  title: `Refresh grants/s per core (POST /api/v1/auth/refresh, rotating chains) vs. Keycloak's published ${KEYCLOAK_REFRESH_PER_VCPU}/s per vCPU`,
  /**
   * @param {import('../lib/settings.mjs').Settings} settings
   * @param {import('../lib/generators.mjs').Generator} _generator
   * @param {(line: string) => void} log
   */
  async run(settings, _generator, log) {
    const rounds = [];
    for (let round = 1; round <= settings.rounds; round++) {
      log(`  round ${round} of ${settings.rounds}`);
      const result = await measure(settings, log);
      rounds.push(result);
      if (result.problems.length > 0) {
        return {
          name: suite.name,
          title: suite.title,
          valid: false,
          servers: [{ label: 'Rampart refresh', problems: result.problems }],
          rounds,
        };
      }
    }
    return {
      name: suite.name,
      title: suite.title,
      valid: true,
      grantsPerSecond: spread(
        'grants/s',
        rounds.map((run) => run.grantsPerSecond),
      ),
      p50: median(rounds.map((run) => run.latencyMs.p50)),
      p99: median(rounds.map((run) => run.latencyMs.p99)),
      cpuUsPerGrant: median(rounds.map((run) => run.cpuUsPerGrant)),
      rounds,
    };
  },
  /** @param {any} result */
  describe(result) {
    const lines = ['', `== ${result.name}: ${result.title}`];
    if (!result.valid) return [...lines, ...invalidLines(result.name, result.servers)];
    const perCpuSecond = 1e6 / result.cpuUsPerGrant;
    lines.push(
      ...formatTable(
        [
          ['Rampart refresh (median of rounds)', 'grants/s (1 core)', 'range', 'p50', 'p99', 'CPU/grant', 'per CPU-s'],
          [
            'POST /api/v1/auth/refresh',
            result.grantsPerSecond.value.toFixed(0),
            `${result.grantsPerSecond.min.toFixed(0)}–${result.grantsPerSecond.max.toFixed(0)}`,
            ms(result.p50),
            ms(result.p99),
            `${(result.cpuUsPerGrant / 1000).toFixed(2)} ms`,
            perCpuSecond.toFixed(0),
          ],
        ],
        ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
      ),
      '',
      ...formatTable(
        [
          ['ratio', 'value', ''],
          [
            `Rampart grants/s per core / Keycloak's ${KEYCLOAK_REFRESH_PER_VCPU} per vCPU`,
            times(result.grantsPerSecond.value / KEYCLOAK_REFRESH_PER_VCPU),
            '',
          ],
          [
            `Rampart grants per CPU-second / Keycloak's ${KEYCLOAK_REFRESH_PER_VCPU} per vCPU`,
            times(perCpuSecond / KEYCLOAK_REFRESH_PER_VCPU),
            '',
          ],
        ],
        ['l', 'r', 'l'],
      ),
      ...coreWarnings(
        'Rampart refresh',
        result.rounds.map((/** @type {any} */ run) => run.core),
      ),
    );
    return lines;
  },
};

export default suite;
