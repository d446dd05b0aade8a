/**
 * Licence benchmarks (issue 16), one run on SQLite, one Node thread (one core):
 *
 * - raw Ed25519 of the same bytes with node:crypto: one `verify` then one `sign` of an activation
 *   token's signing input — the cryptographic floor of a status check (it verifies the presented
 *   token and signs a fresh one); the reference the others are divided by;
 * - `ActivationService.status` in process: the token verified through the signing capability, the
 *   licence and activation read from the database (no cache), a fresh token signed;
 * - `ActivationService.activate` in process: key check group, hash and signature, the durable
 *   audit entry first, the atomic bind and its outbox event in one transaction, the token;
 * - `GET /api/v1/licences/{id}/status` over loopback HTTP (the whole chain), BENCH_LICENCES_CONNECTIONS
 *   concurrent requests.
 * Goal (issue 16): status checks ≥ 5,000/s on one core.
 *
 * `node bench/licences.mjs` after `npm run build`; `npm run bench -- licences` runs it in the harness.
 * Knobs: BENCH_LICENCES_STATUS_OPS (20,000), BENCH_LICENCES_ACTIVATE_OPS (2,000),
 * BENCH_LICENCES_HTTP_OPS (10,000), BENCH_LICENCES_CONNECTIONS (16), BENCH_LICENCES_RAW_OPS (20,000).
 */
/* global fetch */
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (file) => import(pathToFileURL(path.join(ROOT, 'dist', file)).href);
const env = (name, fallback) => (process.env[name] === undefined ? fallback : Number(process.env[name]));
const context = { ip: '127.0.0.1', userAgent: 'bench', requestId: 'bench' };

function rate(count, started) {
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** One verify and one sign of `input` per operation: a status check's cryptography, nothing else. */
function rawEd25519(ops, input) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const bytes = Buffer.from(input, 'ascii');
  let signature = sign(null, bytes, privateKey);
  const started = process.hrtime.bigint();
  for (let i = 0; i < ops; i += 1) {
    if (!verify(null, bytes, publicKey, signature)) throw new Error('raw verify failed');
    signature = sign(null, bytes, privateKey);
  }
  return rate(ops, started);
}

async function server() {
  const { loadConfig } = await dist('config.js');
  const { createRampart } = await dist('rampart.js');
  const { buildServer } = await dist('http/server.js');
  const { createLogger } = await dist('kernel/adapters/log/pino-logger.js');
  const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'rampart-licences-bench-')), 'data');
  const config = loadConfig({
    env: {
      RAMPART_DATA_DIR: dataDir,
      RAMPART_PORT: '0',
      RAMPART_LOG_LEVEL: 'warn',
      RAMPART_RATE_LIMIT: '1000000000',
      RAMPART_LICENCE_ACTIVATION_RATE_LIMIT: '1000000',
      RAMPART_LICENCE_STATUS_RATE_LIMIT: '10000000',
      RAMPART_MFA_REQUIRED_FOR_ADMINS: 'false',
      RAMPART_BOOTSTRAP_ADMIN_EMAIL: 'bench@example.test',
      RAMPART_BOOTSTRAP_ADMIN_PASSWORD: 'correct horse battery staple 42',
    },
  });
  const rampart = await createRampart(config, { logger: createLogger('warn') });
  const app = await buildServer(rampart);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${app.server.address().port}`;
  const call = async (method, url, token, body) => {
    const response = await fetch(`${base}${url}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`${method} ${url} answered ${response.status}: ${text.slice(0, 200)}`);
    return text === '' ? undefined : JSON.parse(text);
  };
  return {
    rampart,
    call,
    async close() {
      await app.close();
      await rampart.close();
      rmSync(path.dirname(dataDir), { recursive: true, force: true });
    },
  };
}

export async function runLicencesBench(log) {
  const statusOps = env('BENCH_LICENCES_STATUS_OPS', 20_000);
  const activateOps = env('BENCH_LICENCES_ACTIVATE_OPS', 2_000);
  const httpOps = env('BENCH_LICENCES_HTTP_OPS', 10_000);
  const connections = env('BENCH_LICENCES_CONNECTIONS', 16);
  const rawOps = env('BENCH_LICENCES_RAW_OPS', 20_000);
  const problems = [];
  const s = await server();
  try {
    const { access_token: admin } = await s.call('POST', '/api/v1/auth/login', undefined, {
      email: 'bench@example.test',
      password: 'correct horse battery staple 42',
    });
    const password = 'a bench owner passphrase nobody guesses 9';
    await s.call('POST', '/api/v1/users', admin, { email: 'owner@example.test', password });
    const { access_token: owner } = await s.call('POST', '/api/v1/auth/login', undefined, { email: 'owner@example.test', password });
    await s.call('POST', '/api/v1/orgs', owner, { name: 'Bench', slug: 'bench' });
    const licence = await s.call('POST', '/api/v1/orgs/bench/licences', owner, {
      product: 'compiler',
      features: ['optimiser', 'profiler'],
      max_activations: 1_000_000,
    });
    const { activations } = s.rampart.facade('licences');
    const first = await activations.activate(licence.licence_key, 'inst-status', context);

    log(`  raw Ed25519 verify + sign of a token's signing input, ${rawOps.toLocaleString('en-US')} ops`);
    const raw = rawEd25519(rawOps, first.token.split('.').slice(0, 2).join('.'));

    log(`  ActivationService.status in process, ${statusOps.toLocaleString('en-US')} checks`);
    let started = process.hrtime.bigint();
    for (let i = 0; i < statusOps; i += 1) {
      const answer = await activations.status(licence.id, first.token, context);
      if (!answer.valid) throw new Error('a status check failed');
    }
    const status = rate(statusOps, started);

    log(`  ActivationService.activate in process, ${activateOps.toLocaleString('en-US')} new installations`);
    started = process.hrtime.bigint();
    for (let i = 0; i < activateOps; i += 1) await activations.activate(licence.licence_key, `inst-${i}`, context);
    const activate = rate(activateOps, started);

    log(`  GET /api/v1/licences/{id}/status over HTTP, ${httpOps.toLocaleString('en-US')} requests, ${connections} connections`);
    let http = Number.NaN;
    try {
      let next = 0;
      started = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: connections }, async () => {
          for (let i = next++; i < httpOps; i = next++) await s.call('GET', `/api/v1/licences/${licence.id}/status`, first.token);
        }),
      );
      http = rate(httpOps, started);
    } catch (error) {
      problems.push(`HTTP run failed: ${error.message}`);
    }
    const rows = [
      { label: 'raw Ed25519 verify + sign (node:crypto)', value: raw, detail: 'pairs/s: the crypto floor of a check' },
      { label: 'ActivationService.status in process', value: status, detail: 'checks/s, DB read each, fresh token' },
      { label: 'ActivationService.activate in process', value: activate, detail: 'activations/s, durable audit + outbox' },
      { label: 'GET /licences/{id}/status over HTTP', value: http, detail: `req/s, ${connections} connections, whole chain` },
    ];
    const ratios = [
      { label: 'status checks in process', value: status, goal: '≥ 5000/s', met: status >= 5000, absolute: true },
      { label: 'status in process / raw verify+sign', value: status / raw, goal: 'measured', met: true },
      { label: 'status over HTTP / raw verify+sign', value: http / raw, goal: 'measured', met: true },
      { label: 'activate / raw verify+sign', value: activate / raw, goal: 'measured', met: true },
    ];
    return { rows, ratios, problems, valid: problems.length === 0 };
  } finally {
    await s.close();
  }
}

export function describeLicences(result) {
  const lines = ['', 'measure'.padEnd(52) + 'value'.padStart(14) + '  detail'];
  for (const row of result.rows)
    lines.push(row.label.padEnd(52) + Math.round(row.value).toLocaleString('en-US').padStart(14) + `  ${row.detail}`);
  lines.push('', 'ratio'.padEnd(52) + 'value'.padStart(12) + '  goal');
  for (const ratio of result.ratios) {
    const value = ratio.absolute === true ? Math.round(ratio.value).toLocaleString('en-US') : ratio.value.toFixed(3);
    lines.push(
      ratio.label.padEnd(52) + value.padStart(12) + `  ${ratio.goal}${ratio.goal === 'measured' ? '' : ratio.met ? ' met' : ' NOT met'}`,
    );
  }
  for (const problem of result.problems) lines.push(`PROBLEM: ${problem}`);
  return lines;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await runLicencesBench((line) => process.stderr.write(`${line}\n`));
  for (const line of describeLicences(result)) process.stdout.write(`${line}\n`);
  process.exitCode = result.valid ? 0 : 1;
}
