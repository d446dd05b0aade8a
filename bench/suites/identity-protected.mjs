/**
 * A protected route: `GET /api/v1/me` with a bearer access token through Rampart's whole chain
 * (the verified-token cache, the revocation set, the caller's account read), against (a) bare
 * Fastify's hello route, (b) Fastify + helmet + cors + rate-limit + jose EdDSA `jwtVerify` on every
 * request, (c) Better Auth's `get-session` with its session cookie (its default configuration
 * on better-sqlite3, under node:http), and (d) bare Fastify sending Rampart's answer — the same
 * headers and a body of the same shape — with no check, the yardstick of the answer itself. Each server is measured with wrk as the healthz suite is,
 * in rounds; the ratios are computed within each round.
 *
 * Revocation stays effective under load: Rampart's run logs in twice; the load uses the first
 * session's token; halfway through the measured run the second session (whose token was verified,
 * so cached) is logged out and its token is polled until it is refused with `session_revoked` —
 * which must happen within one second; after the run the first token still works. The same server
 * runs a second time with RAMPART_AUDIT_READS=all, so the cost of an audit entry per read is a ratio
 * of the same run (goal: at least 0.8× of the run without it).
 */
import { setTimeout as sleep } from 'node:timers/promises';
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
import { expectHeaders, expectStatus, request } from '../identity/http.mjs';
import { checkLimiterCount, checkLoad } from '../lib/checks.mjs';
import { loadOf } from '../lib/settings.mjs';
import { peer, rampart } from '../lib/servers.mjs';

const EMAIL = 'bench@example.test';
const PASSWORD = 'correct horse battery staple 42';
const REVOCATION_LIMIT_MS = 1000;

/**
 * What a started server is measured on.
 * @typedef {object} Target
 * @property {string} path
 * @property {Record<string, string>} headers
 * @property {(answer: import('../identity/http.mjs').Answer, when: string) => string[]} check
 * @property {{ remaining: string, reset: string }} [limiter]
 * @property {(base: string) => Promise<{ problems: string[], revocationMs: number }>} [midRun]
 * @property {(base: string) => Promise<string[]>} [afterRun]
 */

/** @param {string} base */
async function rampartTarget(base) {
  const login = async () => {
    const answer = await request('POST', `${base}/api/v1/auth/login`, { json: { email: EMAIL, password: PASSWORD } });
    if (answer.status !== 200 || typeof answer.json?.access_token !== 'string')
      throw new Error(`login answered ${answer.status}: ${answer.body.slice(0, 200)}`);
    return answer.json;
  };
  const loaded = await login();
  const revoked = await login();
  const bearer = (/** @type {{ access_token: string }} */ grant) => ({ authorization: `Bearer ${grant.access_token}` });
  /** @type {Target} */
  const target = {
    path: '/api/v1/me',
    headers: bearer(loaded),
    check: (answer, when) => {
      const problems = expectStatus(answer, 200, when);
      if (answer.json?.user?.id !== loaded.user.id) problems.push(`${when}: /me did not answer the logged-in user`);
      problems.push(
        ...expectHeaders(
          answer,
          {
            'x-request-id': true,
            vary: /Origin/,
            'strict-transport-security': /^max-age=\d+/,
            'x-content-type-options': 'nosniff',
            'content-security-policy': /default-src 'none'/,
            'cache-control': 'no-store',
            'ratelimit-remaining': /^\d+$/,
          },
          when,
        ),
      );
      return problems;
    },
    limiter: { remaining: 'ratelimit-remaining', reset: 'ratelimit-reset' },
    async midRun() {
      const problems = [];
      // The second session's token is verified (and so cached) before its session is revoked.
      problems.push(...expectStatus(await request('GET', `${base}/api/v1/me`, { headers: bearer(revoked) }), 200, 'revocation: before'));
      const logout = await request('POST', `${base}/api/v1/auth/logout`, { headers: bearer(revoked) });
      const start = logout.at;
      problems.push(...expectStatus(logout, 204, 'revocation: logout'));
      let revocationMs = Number.POSITIVE_INFINITY;
      while (Date.now() - start < 5000) {
        const answer = await request('GET', `${base}/api/v1/me`, { headers: bearer(revoked) });
        if (answer.status === 401 && answer.json?.code === 'session_revoked') {
          revocationMs = answer.at - start;
          break;
        }
        await sleep(10);
      }
      if (!(revocationMs <= REVOCATION_LIMIT_MS))
        problems.push(`revocation: the revoked session's token was still accepted ${REVOCATION_LIMIT_MS} ms after the logout`);
      return { problems, revocationMs };
    },
    async afterRun() {
      const answer = await request('GET', `${base}/api/v1/me`, { headers: bearer(revoked) });
      return answer.status === 401 ? [] : [`revocation: after the run the revoked token answered ${answer.status}`];
    },
  };
  return target;
}

/** @param {string} base */
async function stackTarget(base) {
  const token = (await request('GET', `${base}/bench/token`)).json?.access_token;
  if (typeof token !== 'string') throw new Error('the stack peer gave no token');
  /** @type {Target} */
  return {
    path: '/api/v1/me',
    headers: { authorization: `Bearer ${token}` },
    check: (answer, when) => [
      ...expectStatus(answer, 200, when),
      ...(answer.json?.id === 'usr_bench' ? [] : [`${when}: the route did not answer the token's subject`]),
      ...expectHeaders(
        answer,
        { 'content-security-policy': true, 'x-content-type-options': 'nosniff', 'x-ratelimit-remaining': /^\d+$/ },
        when,
      ),
    ],
    limiter: { remaining: 'x-ratelimit-remaining', reset: 'x-ratelimit-reset' },
  };
}

/** @param {string} base */
async function helloTarget(base) {
  void base;
  /** @type {Target} */
  return {
    path: '/hello',
    headers: {},
    check: (answer, when) => [
      ...expectStatus(answer, 200, when),
      ...(answer.body === '{"hello":"world"}' ? [] : [`${when}: body ${answer.body}`]),
    ],
  };
}

/** @param {string} base */
async function sameAnswerTarget(base) {
  void base;
  /** @type {Target} */
  return {
    path: '/api/v1/me',
    headers: {},
    check: (answer, when) => [
      ...expectStatus(answer, 200, when),
      ...(answer.json?.user?.email === EMAIL ? [] : [`${when}: the body is not the /me answer`]),
      ...expectHeaders(
        answer,
        { 'x-request-id': true, 'content-security-policy': /default-src 'none'/, 'ratelimit-remaining': /^\d+$/ },
        when,
      ),
    ],
  };
}

/** @param {string} base */
async function betterAuthTarget(base) {
  const signUp = await request('POST', `${base}/api/auth/sign-up/email`, { json: { email: EMAIL, password: PASSWORD, name: 'Bench' } });
  const cookie = [signUp.headers['set-cookie'] ?? []].flat().find((value) => value.startsWith('better-auth.session_token='));
  if (signUp.status !== 200 || cookie === undefined)
    throw new Error(`Better Auth sign-up answered ${signUp.status}: ${signUp.body.slice(0, 200)}`);
  /** @type {Target} */
  return {
    path: '/api/auth/get-session',
    headers: { cookie: cookie.split(';')[0] },
    check: (answer, when) => [
      ...expectStatus(answer, 200, when),
      ...(answer.json?.user?.email === EMAIL && typeof answer.json?.session?.id === 'string'
        ? []
        : [`${when}: get-session did not answer the session`]),
    ],
  };
}

const SERVERS = [
  {
    id: 'rampart',
    label: 'Rampart GET /api/v1/me (bearer JWT)',
    server: rampart({ RAMPART_BOOTSTRAP_ADMIN_EMAIL: EMAIL, RAMPART_BOOTSTRAP_ADMIN_PASSWORD: PASSWORD }),
    prepare: rampartTarget,
  },
  {
    // The same server with every authenticated read audited (issue 22 item 1): the cost of RAMPART_AUDIT_READS=all.
    id: 'rampart-reads',
    label: 'Rampart GET /api/v1/me, RAMPART_AUDIT_READS=all',
    server: rampart({ RAMPART_BOOTSTRAP_ADMIN_EMAIL: EMAIL, RAMPART_BOOTSTRAP_ADMIN_PASSWORD: PASSWORD, RAMPART_AUDIT_READS: 'all' }),
    prepare: rampartTarget,
  },
  { id: 'bare', label: 'Fastify 5 hello route, no plugins', server: peer('fastify-hello.mjs'), prepare: helloTarget },
  {
    // The yardstick of the answer itself: what Fastify costs to send Rampart's headers and body.
    id: 'same-answer',
    label: "Fastify 5 sending Rampart's answer (same headers, same body), no checks",
    server: peer('fastify-same-answer.mjs'),
    prepare: sameAnswerTarget,
  },
  {
    id: 'stack',
    label: 'Fastify + helmet + cors + rate-limit + jose jwtVerify',
    server: peer('fastify-jwt-stack.mjs'),
    prepare: stackTarget,
  },
  {
    id: 'betterauth',
    label: 'Better Auth get-session (cookie, better-sqlite3)',
    server: peer('better-auth.mjs'),
    prepare: betterAuthTarget,
  },
];

const RATIOS = [
  { label: 'Rampart with RAMPART_AUDIT_READS=all / without', id: 'rampart-reads', of: 'rampart', atLeast: 0.8 },
  { label: 'Rampart / bare Fastify', of: 'bare', atLeast: 0.5 },
  // No goal: how far the chain and the handler are from sending the same answer with no check.
  { label: "Rampart / Fastify sending Rampart's answer", of: 'same-answer' },
  { label: 'Rampart / Fastify+helmet+cors+rate-limit+jose', of: 'stack', atLeast: 2 },
  { label: 'Rampart / Better Auth get-session', of: 'betterauth', atLeast: 10 },
];

/**
 * @param {(typeof SERVERS)[number]} entry
 * @param {import('../lib/settings.mjs').Settings} settings
 * @param {import('../lib/generators.mjs').Generator} generator
 * @param {(line: string) => void} log
 */
async function measure(entry, settings, generator, log) {
  const result = {
    id: entry.id,
    label: entry.label,
    command: entry.server.command,
    rps: 0,
    latencyMs: { p50: 0, p99: 0 },
    requests: 0,
    cpuUsPerRequest: 0,
    /** @type {import('../lib/machine.mjs').CoreUse | undefined} */
    core: undefined,
    /** @type {number | undefined} */
    revocationMs: undefined,
    /** @type {string[]} */
    problems: [],
    /** @type {string[]} */
    notes: [],
  };
  return withServer(entry.server, settings, log, result, async ({ base, pinned, problems, notes }) => {
    const target = await entry.prepare(base);
    const url = `${base}${target.path}`;
    // Better Auth answers slower than wrk's 2 s default at 50 connections on one core, and on a
    // shared machine any server can stall for seconds: every server gets 30 s (p99 shows the tail).
    const load = loadOf(settings, target.headers, { timeoutSeconds: 30 });
    const before = await request('GET', url, { headers: target.headers });
    problems.push(...target.check(before, 'before'));
    if (problems.length > 0) return;
    let completed = 0;
    if (settings.warmup > 0) {
      log(`  ${entry.label}: warm-up ${settings.warmup} s`);
      const warm = await generator.run(url, { ...load, seconds: settings.warmup });
      problems.push(...checkLoad(warm, 'warm-up'));
      completed += warm.requests;
      // Requests the generator abandoned at the end of the warm-up must not run into the measured run.
      if (!(await waitForServerIdle(pinned.pid, 30))) notes.push('the server was still busy 30 s after the warm-up');
    }
    log(`  ${entry.label}: measuring ${settings.duration} s`);
    const { value: measured, core } = await watched(settings, pinned.pid, async () => {
      const running = generator.run(url, load);
      if (target.midRun !== undefined) {
        await sleep((settings.duration * 1000) / 2);
        const mid = await target.midRun(base);
        problems.push(...mid.problems);
        result.revocationMs = mid.revocationMs;
      }
      return running;
    });
    result.core = core;
    problems.push(...checkLoad(measured, 'measured run'));
    completed += measured.requests;
    Object.assign(result, { rps: measured.rps, latencyMs: measured.latencyMs, requests: measured.requests });
    if (measured.requests > 0) result.cpuUsPerRequest = (core.serverCpuSeconds / measured.requests) * 1e6;
    const after = await request('GET', url, { headers: target.headers });
    problems.push(...target.check(after, 'after'));
    if (target.limiter !== undefined) {
      const count = checkLimiterCount(before, after, completed, target.limiter);
      problems.push(...count.problems);
      if (count.note !== '') notes.push(count.note);
    }
    if (target.afterRun !== undefined) problems.push(...(await target.afterRun(base)));
  });
}

/** @type {any} */
const suite = {
  name: 'identity-protected',
  title:
    'GET /api/v1/me with a bearer JWT vs. bare Fastify, Fastify + helmet + cors + rate-limit + jose jwtVerify, and Better Auth get-session',
  /**
   * @param {import('../lib/settings.mjs').Settings} settings
   * @param {import('../lib/generators.mjs').Generator} generator
   * @param {(line: string) => void} log
   */
  async run(settings, generator, log) {
    /** @type {Awaited<ReturnType<typeof measure>>[][]} */
    const rounds = [];
    let failed = false;
    for (let round = 1; round <= settings.rounds && !failed; round++) {
      log(`  round ${round} of ${settings.rounds}`);
      const results = [];
      for (const entry of SERVERS) {
        const result = await measure(entry, settings, generator, log);
        results.push(result);
        if (result.problems.length > 0) {
          failed = true;
          break;
        }
      }
      rounds.push(results);
    }
    const servers = SERVERS.map((entry) => {
      const runs = rounds.flatMap((results) => results.filter((result) => result.id === entry.id));
      return {
        id: entry.id,
        label: entry.label,
        command: entry.server.command,
        rps: median(runs.map((run) => run.rps)),
        rpsMin: Math.min(...runs.map((run) => run.rps)),
        rpsMax: Math.max(...runs.map((run) => run.rps)),
        latencyMs: { p50: median(runs.map((run) => run.latencyMs.p50)), p99: median(runs.map((run) => run.latencyMs.p99)) },
        cpuUsPerRequest: median(runs.map((run) => run.cpuUsPerRequest)),
        problems: runs.flatMap((run) => run.problems),
        rounds: runs,
      };
    });
    if (failed) return { name: suite.name, title: suite.title, valid: false, servers, ratios: [], revocationMs: [] };
    const ratios = RATIOS.flatMap((ratio) => [
      {
        ...spread(
          `${ratio.label} (req/s)`,
          rounds.map((results) => byId(results, ratio.id ?? 'rampart').rps / byId(results, ratio.of).rps),
        ),
        atLeast: ratio.atLeast,
      },
      {
        ...spread(
          `${ratio.label} (1 / CPU time per request)`,
          rounds.map((results) => byId(results, ratio.of).cpuUsPerRequest / byId(results, ratio.id ?? 'rampart').cpuUsPerRequest),
        ),
        atLeast: ratio.atLeast,
      },
    ]).map((entry) => ({ ...entry, met: entry.atLeast === undefined || entry.value >= entry.atLeast }));
    const revocationMs = rounds.map((results) => byId(results, 'rampart').revocationMs ?? Number.POSITIVE_INFINITY);
    return { name: suite.name, title: suite.title, valid: true, servers, ratios, revocationMs };
  },
  /** @param {any} result */
  describe(result) {
    const lines = ['', `== ${result.name}: ${result.title}`];
    if (!result.valid) return [...lines, ...invalidLines(result.name, result.servers)];
    const rows = [['server (median of rounds)', 'req/s', 'range', 'p50', 'p99', 'CPU/request']];
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
            ratio.atLeast === undefined ? 'no goal' : `goal: at least ${times(ratio.atLeast)}: ${ratio.met ? 'MET' : 'NOT MET'}`,
          ]),
        ],
        ['l', 'r', 'r', 'l'],
      ),
    );
    lines.push(
      '',
      `Revocation under load: a logged-out session's (cached) token refused after ${result.revocationMs.map((/** @type {number} */ value) => `${value} ms`).join(', ')} (one per round; limit ${REVOCATION_LIMIT_MS} ms): ${result.revocationMs.every((/** @type {number} */ value) => value <= REVOCATION_LIMIT_MS) ? 'OK' : 'FAILED'}`,
    );
    for (const server of result.servers) {
      lines.push(
        ...coreWarnings(
          server.label,
          server.rounds.map((/** @type {any} */ run) => run.core),
        ),
      );
      server.rounds.forEach((/** @type {any} */ run, /** @type {number} */ index) => {
        for (const note of run.notes) lines.push(`  note: ${server.label}, round ${index + 1}: ${note}`);
      });
    }
    return lines;
  },
};

/**
 * @param {any[]} results
 * @param {string} id
 */
function byId(results, id) {
  return results.find((result) => result.id === id);
}

export default suite;
