/**
 * Where a protected request's CPU time goes (issue 20: "where a goal is not met, name what the
 * remaining time is spent on, measured"). Rampart serves `GET /api/v1/me` with a bearer token
 * under wrk's load twice, alone on the server core: once plain, for its CPU time per request, and
 * once under V8's sampling profiler (`node --cpu-prof`), for the shares. The profile's samples of
 * the loaded part of the run are attributed to the layer whose code they are in (see
 * bench/lib/profile.mjs), and each share is turned into µs with the plain run's CPU time. Bare
 * Fastify sending the same answer (bench/peers/fastify-same-answer.mjs) is measured in the same
 * run: the yardstick of what the answer itself costs.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatTable, watched, waitForServerIdle, withServer } from '../identity/harness.mjs';
import { expectStatus, request } from '../identity/http.mjs';
import { checkLoad } from '../lib/checks.mjs';
import { loadOf } from '../lib/settings.mjs';
import { atExit } from '../lib/processes.mjs';
import { attribute, LAYERS } from '../lib/profile.mjs';
import { peer, rampart } from '../lib/servers.mjs';

const EMAIL = 'bench@example.test';
const PASSWORD = 'correct horse battery staple 42';
const ENV = { RAMPART_BOOTSTRAP_ADMIN_EMAIL: EMAIL, RAMPART_BOOTSTRAP_ADMIN_PASSWORD: PASSWORD };

/** @param {string} base */
async function bearer(base) {
  const login = await request('POST', `${base}/api/v1/auth/login`, { json: { email: EMAIL, password: PASSWORD } });
  if (login.status !== 200 || typeof login.json?.access_token !== 'string') throw new Error(`login answered ${login.status}`);
  return { authorization: `Bearer ${login.json.access_token}` };
}

/**
 * One server under load: warm-up, then the measured run; its CPU time per request.
 * @param {import('../lib/servers.mjs').Server} server
 * @param {(base: string) => Promise<Record<string, string>>} headersOf
 * @param {import('../lib/settings.mjs').Settings} settings
 * @param {import('../lib/generators.mjs').Generator} generator
 * @param {(line: string) => void} log
 * @param {string} label
 */
async function loaded(server, headersOf, settings, generator, log, label) {
  const result = { label, cpuUsPerRequest: 0, rps: 0, /** @type {string[]} */ problems: [], /** @type {string[]} */ notes: [] };
  return withServer(server, settings, log, result, async ({ base, pinned, problems, notes }) => {
    const headers = await headersOf(base);
    const url = `${base}/api/v1/me`;
    const load = loadOf(settings, headers, { timeoutSeconds: 30 });
    problems.push(...expectStatus(await request('GET', url, { headers }), 200, 'before'));
    if (problems.length > 0) return;
    if (settings.warmup > 0) {
      log(`  ${label}: warm-up ${settings.warmup} s`);
      problems.push(...checkLoad(await generator.run(url, { ...load, seconds: settings.warmup }), 'warm-up'));
      if (!(await waitForServerIdle(pinned.pid, 30))) notes.push('the server was still busy 30 s after the warm-up');
    }
    log(`  ${label}: measuring ${settings.duration} s`);
    const { value: measured, core } = await watched(settings, pinned.pid, () => generator.run(url, load));
    problems.push(...checkLoad(measured, 'measured run'));
    result.rps = measured.rps;
    if (measured.requests > 0) result.cpuUsPerRequest = (core.serverCpuSeconds / measured.requests) * 1e6;
  });
}

const suite = {
  name: 'profile',
  title: "Where GET /api/v1/me's CPU time goes, by layer (V8 sampling profile), against Fastify sending the same answer",
  /**
   * @param {import('../lib/settings.mjs').Settings} settings
   * @param {import('../lib/generators.mjs').Generator} generator
   * @param {(line: string) => void} log
   */
  async run(settings, generator, log) {
    const plain = await loaded(rampart(ENV), bearer, settings, generator, log, 'Rampart');
    const same = await loaded(
      peer('fastify-same-answer.mjs'),
      async () => ({}),
      settings,
      generator,
      log,
      "Fastify sending Rampart's answer",
    );
    const directory = mkdtempSync(path.join(os.tmpdir(), 'rampart-profile-'));
    const cleanup = atExit(() => rmSync(directory, { recursive: true, force: true }));
    try {
      // The profiler writes its file when the server exits (SIGTERM: Rampart's graceful close).
      const profiled = await loaded(
        rampart(ENV, ['--cpu-prof', `--cpu-prof-dir=${directory}`]),
        bearer,
        settings,
        generator,
        log,
        'Rampart, profiled',
      );
      const problems = [...plain.problems, ...same.problems, ...profiled.problems];
      const file = readdirSync(directory).find((name) => name.endsWith('.cpuprofile'));
      if (file === undefined) problems.push('the profiled server wrote no profile');
      if (problems.length > 0 || file === undefined) return { name: suite.name, title: suite.title, valid: false, problems };
      const profile = JSON.parse(readFileSync(path.join(directory, file), 'utf8'));
      // The measured run, which ended just before the server was stopped (its close is a few samples).
      const shares = attribute(profile, { lastSeconds: settings.duration + 1 });
      return {
        name: suite.name,
        title: suite.title,
        valid: true,
        cpuUsPerRequest: plain.cpuUsPerRequest,
        profiledCpuUsPerRequest: profiled.cpuUsPerRequest,
        sameAnswerCpuUsPerRequest: same.cpuUsPerRequest,
        samples: shares.samples,
        layers: shares.layers,
        notes: [...plain.notes, ...same.notes, ...profiled.notes],
      };
    } finally {
      cleanup();
    }
  },
  /** @param {any} result */
  describe(result) {
    const lines = ['', `== ${result.name}: ${result.title}`];
    if (!result.valid) return [...lines, '  INVALID:', ...result.problems.map((/** @type {string} */ problem) => `  - ${problem}`)];
    const us = (/** @type {number} */ value) => `${value.toFixed(1)} µs`;
    lines.push(
      `Rampart: ${us(result.cpuUsPerRequest)} of CPU per request (${us(result.profiledCpuUsPerRequest)} under the profiler); ` +
        `Fastify sending the same answer with no check: ${us(result.sameAnswerCpuUsPerRequest)}.`,
      `Shares from ${result.samples.toLocaleString('en-US')} busy samples of the loaded run, in µs of the plain run's CPU time:`,
      '',
    );
    const rows = [['layer', 'share', 'per request']];
    for (const layer of LAYERS) {
      const share = result.layers[layer.id] ?? 0;
      rows.push([layer.label, `${(share * 100).toFixed(1)}%`, us(share * result.cpuUsPerRequest)]);
    }
    lines.push(...formatTable(rows, ['l', 'r', 'r']));
    for (const note of result.notes) lines.push(`  note: ${note}`);
    return lines;
  },
};

export default suite;
