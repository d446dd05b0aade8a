/**
 * Trusted external issuers (issue 17): requests per second of one protected org route,
 * `GET /api/v1/orgs/{org}`, called with an external issuer's JWT against the same route called
 * with Rampart's own access token, on the same server in the same round (interleaved), through
 * Rampart's whole chain. The goal is at least 0.9×: both tokens are verified once and then served
 * from a verified-token cache, so the external one should cost about what Rampart's own does.
 *
 * The issuer is a JWKS served by this process on loopback (an Ed25519 key, as Rampart's own); the
 * server fetches it through the SSRF guard (loopback allow-listed for the run). The external token
 * maps by email to the bootstrap admin, who owns the org, with the `viewer` role as its bound.
 * Setup: a first start creates the org in a data directory of its own; the measured start reuses
 * that directory with RAMPART_TRUSTED_ISSUERS naming the org.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import {
  coreWarnings,
  formatTable,
  integer,
  invalidLines,
  median,
  ms,
  spread,
  times,
  waitForServerIdle,
  watched,
  withServer,
} from '../identity/harness.mjs';
import { expectStatus, request } from '../identity/http.mjs';
import { checkLoad } from '../lib/checks.mjs';
import { loadOf } from '../lib/settings.mjs';
import { rampart } from '../lib/servers.mjs';

const EMAIL = 'bench@example.test';
const PASSWORD = 'correct horse battery staple 42';
/** The bootstrap admin must choose its own password before acting: the setup does, once. */
const CHOSEN_PASSWORD = 'a quiet passphrase of its own choosing 7';
const AUDIENCE = 'https://rampart.bench/api';
const GOAL = 0.9;

/** A JWKS on loopback, and tokens signed with its key. */
async function startIssuer() {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench-1', alg: 'EdDSA', use: 'sig' };
  const body = JSON.stringify({ keys: [jwk] });
  let requests = 0;
  const server = createServer((_request, response) => {
    requests += 1;
    response.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  const url = `http://127.0.0.1:${address.port}`;
  return {
    url,
    port: address.port,
    requests: () => requests,
    /** @param {string} org */
    token: (org) =>
      new SignJWT({ email: EMAIL, email_verified: true, org })
        .setProtectedHeader({ alg: 'EdDSA', kid: 'bench-1', typ: 'at+jwt' })
        .setIssuer(url)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey),
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}

/**
 * @param {string} base
 * @param {string} [password]
 */
async function login(base, password = CHOSEN_PASSWORD) {
  const answer = await request('POST', `${base}/api/v1/auth/login`, { json: { email: EMAIL, password } });
  if (answer.status !== 200 || typeof answer.json?.access_token !== 'string')
    throw new Error(`login answered ${answer.status}: ${answer.body.slice(0, 200)}`);
  return /** @type {string} */ (answer.json.access_token);
}

const BASE_ENV = {
  RAMPART_BOOTSTRAP_ADMIN_EMAIL: EMAIL,
  RAMPART_BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
  RAMPART_MFA_REQUIRED_FOR_ADMINS: 'false',
};

/**
 * The first start: the org (owned by the bootstrap admin) in `dataDir`.
 * @param {string} dataDir
 * @param {import('../lib/settings.mjs').Settings} settings
 * @param {(line: string) => void} log
 */
async function createOrg(dataDir, settings, log) {
  const result = { problems: /** @type {string[]} */ ([]), notes: /** @type {string[]} */ ([]), org: '' };
  await withServer(rampart({ ...BASE_ENV, RAMPART_DATA_DIR: dataDir }), { ...settings, quietWait: 0 }, log, result, async ({ base }) => {
    const first = await login(base, PASSWORD);
    const changed = await request('POST', `${base}/api/v1/me/password`, {
      json: { current_password: PASSWORD, new_password: CHOSEN_PASSWORD },
      headers: { authorization: `Bearer ${first}` },
    });
    if (changed.status >= 300) throw new Error(`changing the password answered ${changed.status}: ${changed.body.slice(0, 200)}`);
    const token = await login(base);
    const created = await request('POST', `${base}/api/v1/orgs`, {
      json: { name: 'Bench org', slug: 'bench-org' },
      headers: { authorization: `Bearer ${token}` },
    });
    if (created.status !== 201) throw new Error(`creating the org answered ${created.status}: ${created.body.slice(0, 200)}`);
    result.org = created.json.id;
  });
  if (result.problems.length > 0) throw new Error(`setup: ${result.problems.join('; ')}`);
  return result.org;
}

/**
 * One round: both tokens measured on the same server, own first then external.
 * @param {{ dataDir: string, org: string, issuer: Awaited<ReturnType<typeof startIssuer>> }} setup
 * @param {import('../lib/settings.mjs').Settings} settings
 * @param {import('../lib/generators.mjs').Generator} generator
 * @param {(line: string) => void} log
 */
async function round(setup, settings, generator, log) {
  const issuers = [
    {
      name: 'bench',
      issuer: setup.issuer.url,
      jwks_uri: `${setup.issuer.url}/jwks`,
      audience: AUDIENCE,
      algorithms: ['EdDSA'],
      max_lifetime_seconds: 3600,
      user: { claim: 'email', match: 'email' },
      orgs: [setup.org],
      role: 'viewer',
    },
  ];
  const server = rampart({
    ...BASE_ENV,
    RAMPART_DATA_DIR: setup.dataDir,
    RAMPART_TRUSTED_ISSUERS: JSON.stringify(issuers),
    RAMPART_OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
    RAMPART_OUTBOUND_PORTS: String(setup.issuer.port),
  });
  const result = {
    problems: /** @type {string[]} */ ([]),
    notes: /** @type {string[]} */ ([]),
    /** @type {Record<string, { rps: number, latencyMs: { p50: number, p99: number }, cpuUsPerRequest: number, core: any }>} */
    runs: {},
  };
  return withServer(server, settings, log, result, async ({ base, pinned, problems, notes }) => {
    const url = `${base}/api/v1/orgs/${setup.org}`;
    const tokens = { own: await login(base), external: await setup.issuer.token(setup.org) };
    for (const [id, token] of Object.entries(tokens)) {
      const headers = { authorization: `Bearer ${token}` };
      const first = await request('GET', url, { headers });
      problems.push(...expectStatus(first, 200, `${id}: before`));
      if (problems.length > 0) return;
      const load = loadOf(settings, headers, { timeoutSeconds: 30 });
      if (settings.warmup > 0) {
        log(`  ${id} token: warm-up ${settings.warmup} s`);
        problems.push(...checkLoad(await generator.run(url, { ...load, seconds: settings.warmup }), `${id}: warm-up`));
        if (!(await waitForServerIdle(pinned.pid, 30))) notes.push('the server was still busy 30 s after the warm-up');
      }
      log(`  ${id} token: measuring ${settings.duration} s`);
      const { value: measured, core } = await watched(settings, pinned.pid, () => generator.run(url, load));
      problems.push(...checkLoad(measured, `${id}: measured run`));
      problems.push(...expectStatus(await request('GET', url, { headers }), 200, `${id}: after`));
      result.runs[id] = {
        rps: measured.rps,
        latencyMs: measured.latencyMs,
        cpuUsPerRequest: measured.requests > 0 ? (core.serverCpuSeconds / measured.requests) * 1e6 : 0,
        core,
      };
    }
  });
}

const LABELS = { own: "GET /api/v1/orgs/{org}, Rampart's own access token", external: 'GET /api/v1/orgs/{org}, external issuer JWT' };

/** @type {any} */
const suite = {
  name: 'issuers',
  title: "A protected org route with a trusted external issuer's JWT vs. Rampart's own access token (same server, same round)",
  /**
   * @param {import('../lib/settings.mjs').Settings} settings
   * @param {import('../lib/generators.mjs').Generator} generator
   * @param {(line: string) => void} log
   */
  async run(settings, generator, log) {
    const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'rampart-bench-issuers-')), 'data');
    const issuer = await startIssuer();
    try {
      const org = await createOrg(dataDir, settings, log);
      const rounds = [];
      for (let index = 1; index <= settings.rounds; index++) {
        log(`  round ${index} of ${settings.rounds}`);
        const result = await round({ dataDir, org, issuer }, settings, generator, log);
        rounds.push(result);
        if (result.problems.length > 0) break;
      }
      const problems = rounds.flatMap((result) => result.problems);
      const servers = ['own', 'external'].map((id) => {
        const runs = rounds.map((result) => result.runs[id]).filter((run) => run !== undefined);
        return {
          id,
          label: LABELS[/** @type {'own' | 'external'} */ (id)],
          rps: median(runs.map((run) => run.rps)),
          rpsMin: Math.min(...runs.map((run) => run.rps)),
          rpsMax: Math.max(...runs.map((run) => run.rps)),
          latencyMs: { p50: median(runs.map((run) => run.latencyMs.p50)), p99: median(runs.map((run) => run.latencyMs.p99)) },
          cpuUsPerRequest: median(runs.map((run) => run.cpuUsPerRequest)),
          problems: id === 'own' ? problems : [],
          rounds: runs,
        };
      });
      const valid = problems.length === 0;
      const complete = rounds.filter((result) => result.runs.own !== undefined && result.runs.external !== undefined);
      const ratios = valid
        ? [
            {
              ...spread(
                'external / own (req/s)',
                complete.map((r) => r.runs.external.rps / r.runs.own.rps),
              ),
              atLeast: GOAL,
            },
            {
              ...spread(
                'external / own (1 / CPU time per request)',
                complete.map((r) => r.runs.own.cpuUsPerRequest / r.runs.external.cpuUsPerRequest),
              ),
              atLeast: GOAL,
            },
          ].map((ratio) => ({ ...ratio, met: ratio.value >= ratio.atLeast }))
        : [];
      return {
        name: suite.name,
        title: suite.title,
        valid,
        servers,
        ratios,
        jwksFetches: issuer.requests(),
        notes: rounds.flatMap((r) => r.notes),
      };
    } finally {
      await issuer.close();
      rmSync(path.dirname(dataDir), { recursive: true, force: true });
    }
  },
  /** @param {any} result */
  describe(result) {
    const lines = ['', `== ${result.name}: ${result.title}`];
    if (!result.valid) return [...lines, ...invalidLines(result.name, result.servers)];
    const rows = [['token (median of rounds)', 'req/s', 'range', 'p50', 'p99', 'CPU/request']];
    for (const server of result.servers) {
      rows.push([
        server.label,
        integer(server.rps),
        `${integer(server.rpsMin)}–${integer(server.rpsMax)}`,
        ms(server.latencyMs.p50),
        ms(server.latencyMs.p99),
        `${server.cpuUsPerRequest.toFixed(1)} µs`,
      ]);
    }
    lines.push(...formatTable(rows, ['l', 'r', 'r', 'r', 'r', 'r']), '');
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
        ],
        ['l', 'r', 'r', 'l'],
      ),
    );
    lines.push('', `JWKS fetches during the whole suite (one per server start, then served from memory): ${result.jwksFetches}`);
    for (const server of result.servers) {
      lines.push(
        ...coreWarnings(
          server.label,
          server.rounds.map((/** @type {any} */ run) => run.core),
        ),
      );
    }
    for (const note of result.notes) lines.push(`  note: ${note}`);
    return lines;
  },
};

export default suite;
