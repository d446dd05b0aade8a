/**
 * Password login throughput at the default argon2id parameters (m=19456 KiB, t=2, p=1), against
 * Better Auth's email sign-in (scrypt, its default; rate limiter off), at 4 and at 50 connections.
 * Each server is pinned to one core, so logins/s are per core; the CPU time per accepted login
 * cross-checks it (1 / CPU-seconds per login = logins per CPU-second). Rampart answers 429 with
 * Retry-After at once when its bounded hash queue is full rather than queueing without limit: the
 * 429s are counted apart, and p50/p99 are those of the accepted (2xx) logins. Keycloak publishes
 * 15 password logins/s per vCPU; ours is printed in that form.
 *
 * Load: bench/identity/load.mjs (autocannon, for per-status counts and accepted-only latencies;
 * its header says why not wrk). Checks: every answer is 200 or 429 (a 401 would mean the
 * benchmark measures failures), no socket error or timeout, a login works after the run, and
 * Rampart's per-(IP, account) login limit is raised so that only the hash queue can refuse.
 */
import {
  coreWarnings,
  formatTable,
  integer,
  invalidLines,
  median,
  ms,
  runLoadScript,
  spread,
  times,
  waitForServerIdle,
  watched,
  withServer,
} from '../identity/harness.mjs';
import { request } from '../identity/http.mjs';
import { peer, rampart } from '../lib/servers.mjs';

const EMAIL = 'bench@example.test';
const PASSWORD = 'correct horse battery staple 42';
const KEYCLOAK_LOGINS_PER_VCPU = 15;
const CONNECTIONS = [4, 50];

const SERVERS = [
  {
    id: 'rampart',
    label: 'Rampart POST /api/v1/auth/login (argon2id m=19456,t=2,p=1)',
    server: rampart({
      RAMPART_BOOTSTRAP_ADMIN_EMAIL: EMAIL,
      RAMPART_BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
      RAMPART_LOGIN_RATE_LIMIT: '100000',
    }),
    path: '/api/v1/auth/login',
    /** @param {string} _base */
    prepare: async (_base) => {},
  },
  {
    id: 'betterauth',
    label: 'Better Auth POST /api/auth/sign-in/email (scrypt)',
    server: peer('better-auth.mjs'),
    path: '/api/auth/sign-in/email',
    /** @param {string} base */
    prepare: async (base) => {
      const answer = await request('POST', `${base}/api/auth/sign-up/email`, { json: { email: EMAIL, password: PASSWORD, name: 'Bench' } });
      if (answer.status !== 200) throw new Error(`Better Auth sign-up answered ${answer.status}: ${answer.body.slice(0, 200)}`);
    },
  },
];

/**
 * @param {(typeof SERVERS)[number]} entry
 * @param {number} connections
 * @param {import('../lib/settings.mjs').Settings} settings
 * @param {(line: string) => void} log
 */
async function measure(entry, connections, settings, log) {
  const result = {
    id: entry.id,
    label: entry.label,
    connections,
    loginsPerSecond: 0,
    /** @type {Record<string, number>} */
    byStatus: {},
    refused: 0,
    acceptedLatencyMs: { p50: 0, p99: 0, max: 0 },
    cpuMsPerLogin: 0,
    /** @type {import('../lib/machine.mjs').CoreUse | undefined} */
    core: undefined,
    /** @type {string[]} */
    problems: [],
    /** @type {string[]} */
    notes: [],
  };
  return withServer(entry.server, settings, log, result, async ({ base, pinned, problems, notes }) => {
    await entry.prepare(base);
    const spec = { mode: 'login', url: `${base}${entry.path}`, body: { email: EMAIL, password: PASSWORD }, connections };
    const check = (/** @type {import('../identity/harness.mjs').ScriptLoad} */ load, /** @type {string} */ phase) => {
      const odd = Object.entries(load.byStatus).filter(([status]) => status !== '200' && status !== '429');
      for (const [status, count] of odd) problems.push(`${phase}: ${count} answers with status ${status}`);
      if (load.errors + load.timeouts > 0) problems.push(`${phase}: ${load.errors} socket errors and ${load.timeouts} timeouts`);
      // A warm-up may be shorter than one slow sign-in under load; the measured run must log in.
      if (load.accepted === 0 && phase !== 'warm-up') problems.push(`${phase}: no login succeeded`);
    };
    // The warm-up also estimates the rate, so that the measured run can be a fixed amount of
    // logins lasting about BENCH_DURATION: every one of them answered, none abandoned half-hashed
    // (at 50 connections a Better Auth sign-in takes seconds), so CPU time per login is exact.
    let rate = 0;
    if (settings.warmup > 0) {
      log(`  ${entry.label}, ${connections} connections: warm-up ${settings.warmup} s`);
      const warm = await runLoadScript(settings, { ...spec, seconds: settings.warmup });
      check(warm, 'warm-up');
      rate = warm.accepted / warm.seconds;
      if (!(await waitForServerIdle(pinned.pid, 60))) notes.push('the server was still busy 60 s after the warm-up');
    }
    const amount = Math.max(2 * connections, Math.round(rate * settings.duration));
    log(`  ${entry.label}, ${connections} connections: measuring ${amount} logins (about ${settings.duration} s)`);
    const { value: load, core } = await watched(settings, pinned.pid, () =>
      runLoadScript(settings, { ...spec, amount, seconds: Math.max(settings.duration, amount / Math.max(rate, 1)) }),
    );
    check(load, 'measured run');
    result.core = core;
    result.byStatus = load.byStatus;
    result.refused = load.byStatus['429'] ?? 0;
    result.loginsPerSecond = load.accepted / load.seconds;
    result.acceptedLatencyMs = load.acceptedLatencyMs;
    if (load.accepted > 0) result.cpuMsPerLogin = (core.serverCpuSeconds / load.accepted) * 1000;
    const after = await request('POST', `${base}${entry.path}`, { json: { email: EMAIL, password: PASSWORD } });
    if (after.status !== 200 && after.status !== 429) problems.push(`after: a login answered ${after.status}`);
  });
}

/** @type {any} */
const suite = {
  name: 'identity-login',
  title: 'Password logins/s at the default argon2id parameters vs. Better Auth email sign-in (rate limit off), at 4 and 50 connections',
  /**
   * @param {import('../lib/settings.mjs').Settings} settings
   * @param {import('../lib/generators.mjs').Generator} _generator
   * @param {(line: string) => void} log
   */
  async run(settings, _generator, log) {
    /** @type {Awaited<ReturnType<typeof measure>>[][]} */
    const rounds = [];
    let failed = false;
    for (let round = 1; round <= settings.rounds && !failed; round++) {
      log(`  round ${round} of ${settings.rounds}`);
      const results = [];
      for (const connections of CONNECTIONS) {
        for (const entry of SERVERS) {
          const result = await measure(entry, connections, settings, log);
          results.push(result);
          if (result.problems.length > 0) failed = true;
          if (failed) break;
        }
        if (failed) break;
      }
      rounds.push(results);
    }
    const rows = CONNECTIONS.flatMap((connections) =>
      SERVERS.map((entry) => {
        const runs = rounds.flatMap((results) => results.filter((result) => result.id === entry.id && result.connections === connections));
        return {
          id: entry.id,
          label: entry.label,
          connections,
          loginsPerSecond: median(runs.map((run) => run.loginsPerSecond)),
          min: Math.min(...runs.map((run) => run.loginsPerSecond)),
          max: Math.max(...runs.map((run) => run.loginsPerSecond)),
          p50: median(runs.map((run) => run.acceptedLatencyMs.p50)),
          p99: median(runs.map((run) => run.acceptedLatencyMs.p99)),
          worstP99: Math.max(...runs.map((run) => run.acceptedLatencyMs.p99)),
          refused: runs.map((run) => run.refused),
          cpuMsPerLogin: median(runs.map((run) => run.cpuMsPerLogin)),
          problems: runs.flatMap((run) => run.problems),
          rounds: runs,
        };
      }),
    );
    if (failed) return { name: suite.name, title: suite.title, valid: false, servers: rows, ratios: [] };
    const pick = (/** @type {any[]} */ results, /** @type {string} */ id, /** @type {number} */ connections) =>
      results.find((result) => result.id === id && result.connections === connections);
    const ratios = CONNECTIONS.flatMap((connections) => [
      {
        ...spread(
          `Rampart / Better Auth logins/s per core, ${connections} connections`,
          rounds.map(
            (results) => pick(results, 'rampart', connections).loginsPerSecond / pick(results, 'betterauth', connections).loginsPerSecond,
          ),
        ),
        atLeast: 3,
      },
      {
        ...spread(
          `Rampart / Better Auth logins per CPU-second, ${connections} connections`,
          rounds.map(
            (results) => pick(results, 'betterauth', connections).cpuMsPerLogin / pick(results, 'rampart', connections).cpuMsPerLogin,
          ),
        ),
        atLeast: 3,
      },
    ]).map((ratio) => ({ ...ratio, met: ratio.value >= ratio.atLeast }));
    return { name: suite.name, title: suite.title, valid: true, servers: rows, ratios };
  },
  /** @param {any} result */
  describe(result) {
    const lines = ['', `== ${result.name}: ${result.title}`];
    if (!result.valid) return [...lines, ...invalidLines(result.name, result.servers)];
    const rows = [
      [
        'server (median of rounds)',
        'conns',
        'logins/s (1 core)',
        'range',
        'p50 (2xx)',
        'p99 (2xx)',
        '429s (per round)',
        'CPU/login',
        'per CPU-s',
      ],
    ];
    for (const row of result.servers) {
      rows.push([
        row.label,
        String(row.connections),
        row.loginsPerSecond.toFixed(1),
        `${row.min.toFixed(1)}–${row.max.toFixed(1)}`,
        ms(row.p50),
        ms(row.p99),
        row.refused.map(integer).join(', '),
        `${row.cpuMsPerLogin.toFixed(1)} ms`,
        (1000 / row.cpuMsPerLogin).toFixed(1),
      ]);
    }
    lines.push(...formatTable(rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r']), '');
    const rampart50 = result.servers.find((/** @type {any} */ row) => row.id === 'rampart' && row.connections === 50);
    const rampart4 = result.servers.find((/** @type {any} */ row) => row.id === 'rampart' && row.connections === 4);
    lines.push(
      ...formatTable(
        [
          ['ratio (median of rounds)', 'value', 'range', ''],
          ...result.ratios.map((/** @type {any} */ ratio) => [
            ratio.label,
            times(ratio.value),
            `${times(ratio.min)}–${times(ratio.max)}`,
            `goal: at least ${times(ratio.atLeast)}: ${ratio.met ? 'MET' : 'NOT MET'}`,
          ]),
          [
            'Rampart p99 of accepted logins, 50 connections (worst round)',
            ms(rampart50.worstP99),
            '',
            `goal: under 1000 ms: ${rampart50.worstP99 < 1000 ? 'MET' : 'NOT MET'}`,
          ],
          [
            `Rampart logins/s per core vs. Keycloak's published ${KEYCLOAK_LOGINS_PER_VCPU}/s per vCPU (4 connections)`,
            times(rampart4.loginsPerSecond / KEYCLOAK_LOGINS_PER_VCPU),
            '',
            `${rampart4.loginsPerSecond.toFixed(1)} logins/s per core`,
          ],
        ],
        ['l', 'r', 'r', 'l'],
      ),
    );
    for (const row of result.servers) {
      lines.push(
        ...coreWarnings(
          `${row.label}, ${row.connections} connections`,
          row.rounds.map((/** @type {any} */ run) => run.core),
        ),
      );
    }
    return lines;
  },
};

export default suite;
