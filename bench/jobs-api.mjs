/**
 * Jobs end to end through the API (issue 14): `/bin/true` jobs per second, each created with
 * `POST /api/v1/orgs/{org}/jobs` over loopback HTTP and followed with `GET …/jobs/{id}` every 50 ms until it
 * has ended — the whole chain, the durable SQL audit log (three entries a job), the queue on SQLite
 * and the real bubblewrap sandbox. Measured in the same run, the peers:
 *
 * - the sandbox alone (`createBubblewrapSandbox().run`, `/bin/true`), at the same concurrency as
 *   the worker pool: what the API adds on top of it;
 * - a plain `spawn('/bin/true')` at the same concurrency: what sandboxing costs at all.
 *
 * Goal: ≥ 50 jobs/s on one core: `taskset -c 0 node bench/jobs-api.mjs` after `npm run build`
 * (`npm run bench -- jobs-api` runs it in the harness, unpinned).
 * Knobs: BENCH_JOBS (jobs, default 300), BENCH_JOBS_CLIENTS (concurrent clients, 16),
 * BENCH_JOBS_WORKERS (RAMPART_JOBS_WORKERS, 8).
 */
/* global fetch, setTimeout */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (file) => import(pathToFileURL(path.join(ROOT, 'dist', file)).href);
const env = (name, fallback) => (process.env[name] === undefined ? fallback : Number(process.env[name]));

function rate(count, started) {
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function pool(total, concurrency, work) {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < total; i = next++) await work(i);
    }),
  );
  return rate(total, started);
}

function plainSpawn() {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/true', [], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('close', resolve);
  });
}

async function sandboxAlone(total, concurrency) {
  const { createBubblewrapSandbox } = await dist('jobs/sandbox/bubblewrap-sandbox.js');
  const sandbox = createBubblewrapSandbox({ bwrapPath: '/usr/bin/bwrap' });
  const profile = await sandbox.probe();
  if (!profile.available) throw new Error(`the sandbox is not available: ${profile.reason}`);
  const limits = { cpuSeconds: 10, memoryMb: 256, pids: 64, wallSeconds: 30, diskMb: 64, openFiles: 256, outputBytes: 1024 * 1024 };
  return pool(total, concurrency, async () => {
    const result = await sandbox.run({ argv: ['/bin/true'], files: new Map(), env: new Map(), limits });
    if (result.exitCode !== 0) throw new Error(`/bin/true in the sandbox ended ${result.ended} ${result.exitCode}`);
  });
}

async function throughApi(total, clients, workers) {
  const { loadConfig } = await dist('config.js');
  const { createRampart } = await dist('rampart.js');
  const { buildServer } = await dist('http/server.js');
  const { createLogger } = await dist('kernel/adapters/log/pino-logger.js');
  const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'rampart-jobs-bench-')), 'data');
  const config = loadConfig({
    env: {
      RAMPART_DATA_DIR: dataDir,
      RAMPART_PORT: '0',
      RAMPART_LOG_LEVEL: 'warn',
      RAMPART_RATE_LIMIT: '1000000000',
      RAMPART_MFA_REQUIRED_FOR_ADMINS: 'false',
      RAMPART_BOOTSTRAP_ADMIN_EMAIL: 'bench@example.test',
      RAMPART_BOOTSTRAP_ADMIN_PASSWORD: 'correct horse battery staple 42',
      RAMPART_JOBS_WORKERS: String(workers),
    },
  });
  const rampart = await createRampart(config, { logger: createLogger('warn') });
  const app = await buildServer(rampart);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${app.server.address().port}`;
  try {
    const call = async (method, url, token, body) => {
      const response = await fetch(`${base}${url}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (response.status >= 300) throw new Error(`${method} ${url} answered ${response.status}: ${text.slice(0, 200)}`);
      return text === '' ? undefined : JSON.parse(text);
    };
    const { access_token: adminToken } = await call('POST', '/api/v1/auth/login', undefined, {
      email: 'bench@example.test',
      password: 'correct horse battery staple 42',
    });
    const password = 'a bench owner passphrase nobody guesses 9';
    await call('POST', '/api/v1/users', adminToken, { email: 'owner@example.test', password });
    const { access_token: token } = await call('POST', '/api/v1/auth/login', undefined, { email: 'owner@example.test', password });
    await call('POST', '/api/v1/orgs', token, { name: 'Bench', slug: 'bench' });
    let failed = 0;
    const perSecond = await pool(total, clients, async () => {
      const { id } = await call('POST', '/api/v1/orgs/bench/jobs', token, { command: ['/bin/true'] });
      for (;;) {
        const job = await call('GET', `/api/v1/orgs/bench/jobs/${id}`, token);
        if (job.status !== 'queued' && job.status !== 'running') {
          if (job.status !== 'succeeded') failed += 1;
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });
    return { perSecond, failed };
  } finally {
    await app.close();
    await rampart.close();
    rmSync(path.dirname(dataDir), { recursive: true, force: true });
  }
}

export async function runJobsApiBench(log) {
  const total = env('BENCH_JOBS', 300);
  const clients = env('BENCH_JOBS_CLIENTS', 16);
  const workers = env('BENCH_JOBS_WORKERS', 8);
  const problems = [];
  log(`  plain spawn of /bin/true, ${workers} at once`);
  const spawned = await pool(total, workers, plainSpawn);
  log(`  the sandbox alone, ${workers} at once`);
  const sandboxed = await sandboxAlone(total, workers);
  log(`  ${total} jobs through the API, ${clients} clients, ${workers} workers`);
  const api = await throughApi(total, clients, workers);
  if (api.failed > 0) problems.push(`${api.failed} of ${total} jobs did not succeed`);
  return {
    rows: [
      { label: 'plain spawn /bin/true (runs/s)', value: spawned, detail: `${workers} at once` },
      { label: 'sandbox.run /bin/true (runs/s)', value: sandboxed, detail: `${workers} at once, bubblewrap + seccomp + cgroups` },
      {
        label: 'API jobs /bin/true, create → ended (jobs/s)',
        value: api.perSecond,
        detail: `${clients} clients, ${workers} workers, SQLite`,
      },
    ],
    ratios: [
      { label: 'API jobs/s ÷ sandbox runs/s', value: api.perSecond / sandboxed, goal: 'measured' },
      { label: 'sandbox runs/s ÷ plain spawns/s', value: sandboxed / spawned, goal: 'measured' },
      { label: 'API jobs/s ÷ 50 (goal ≥ 1 on one core)', value: api.perSecond / 50, goal: '≥ 1', met: api.perSecond >= 50 },
    ],
    problems,
  };
}

export function describeJobsApi(result) {
  const lines = ['', 'measure'.padEnd(52) + 'value'.padStart(14) + '  detail'];
  for (const row of result.rows) lines.push(row.label.padEnd(52) + row.value.toFixed(1).padStart(14) + `  ${row.detail}`);
  lines.push('', 'ratio'.padEnd(52) + 'value'.padStart(12) + '  goal');
  for (const ratio of result.ratios)
    lines.push(
      ratio.label.padEnd(52) +
        ratio.value.toFixed(3).padStart(12) +
        `  ${ratio.goal}${ratio.goal === 'measured' ? '' : ratio.met ? ' met' : ' NOT met'}`,
    );
  for (const problem of result.problems) lines.push(`PROBLEM: ${problem}`);
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await runJobsApiBench((line) => process.stderr.write(`${line}\n`));
  for (const line of describeJobsApi(result)) process.stdout.write(`${line}\n`);
}
