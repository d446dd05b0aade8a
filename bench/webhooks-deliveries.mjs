/**
 * Outbound webhook deliveries per second (issue 15; goal ≥ 2,000/s on one core), one run, on
 * SQLite in a fresh data directory, to a local receiver on 127.0.0.1 (allow-listed):
 *
 * - `delivered`: N events appended to the outbox, then the worker fans them out, claims, signs
 *   (standardwebhooks, HMAC-SHA256), sends through the kernel's outbound client (SSRF check and
 *   pinned connection each time) and records each attempt — the whole path;
 * - peers in the same run: the same N bodies POSTed to the same receiver with `sendOutbound` alone
 *   (no database, no signature), and the signature alone (`Webhook.sign`).
 *
 * `node bench/webhooks-deliveries.mjs` after `npm run build`; `npm run bench -- webhooks-deliveries`
 * in the harness. Knob: BENCH_WEBHOOK_EVENTS (default 5,000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (file) => import(pathToFileURL(path.join(ROOT, 'dist', file)).href);
const EVENTS = process.env.BENCH_WEBHOOK_EVENTS === undefined ? 5_000 : Number(process.env.BENCH_WEBHOOK_EVENTS);
const CONCURRENCY = 32;

const rate = (ops, started) => ops / (Number(process.hrtime.bigint() - started) / 1e9);

async function receiver() {
  let count = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      count += 1;
      response.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 10_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: server.address().port, received: () => count, close: () => new Promise((resolve) => server.close(resolve)) };
}

export async function runDeliveriesBench(log) {
  const { loadConfig } = await dist('config.js');
  const { createRampart } = await dist('rampart.js');
  const { buildServer } = await dist('http/server.js');
  const { createLogger } = await dist('kernel/adapters/log/pino-logger.js');
  const { withSystem } = await dist('kernel/adapters/sql/rls-scope.js');
  const { appendEvent } = await dist('kernel/events/event-outbox.js');
  const { sendOutbound, closeOutboundConnections } = await dist('kernel/net/outbound-http.js');
  const { systemResolver } = await dist('kernel/net/outbound-policy.js');
  const { Webhook } = await import('standardwebhooks');
  const problems = [];
  const target = await receiver();
  const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'rampart-webhooks-bench-')), 'data');
  const config = loadConfig({
    env: {
      RAMPART_DATA_DIR: dataDir,
      RAMPART_PORT: '0',
      RAMPART_LOG_LEVEL: 'warn',
      RAMPART_RATE_LIMIT: '1000000000',
      RAMPART_MFA_REQUIRED_FOR_ADMINS: 'false',
      RAMPART_BOOTSTRAP_ADMIN_EMAIL: 'bench@example.test',
      RAMPART_BOOTSTRAP_ADMIN_PASSWORD: 'correct horse battery staple 42',
      RAMPART_OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
      RAMPART_OUTBOUND_PORTS: `443,${target.port}`,
      RAMPART_WEBHOOK_WORKERS: String(CONCURRENCY),
      RAMPART_WEBHOOK_ENDPOINT_CONCURRENCY: String(CONCURRENCY),
      RAMPART_WEBHOOK_ENDPOINT_RATE: '100000',
    },
  });
  const rampart = await createRampart(config, { logger: createLogger('warn'), webhooks: { manual: true } });
  const app = await buildServer(rampart);
  await app.ready();
  try {
    const call = async (method, url, token, payload) => {
      const response = await app.inject({ method, url, payload, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
      if (response.statusCode >= 300) throw new Error(`${method} ${url} answered ${response.statusCode}: ${response.body.slice(0, 200)}`);
      return response.json();
    };
    const admin = await call('POST', '/api/v1/auth/login', undefined, {
      email: 'bench@example.test',
      password: 'correct horse battery staple 42',
    });
    const password = 'a bench owner passphrase nobody guesses 9';
    await call('POST', '/api/v1/users', admin.access_token, { email: 'owner@example.test', password });
    const { access_token: token } = await call('POST', '/api/v1/auth/login', undefined, { email: 'owner@example.test', password });
    const org = await call('POST', '/api/v1/orgs', token, { name: 'Bench', slug: 'bench' });
    const endpoint = await call('POST', `/api/v1/orgs/${org.id}/webhooks`, token, {
      url: `http://127.0.0.1:${target.port}/hook`,
      events: ['member.*'],
    });
    const db = rampart.database.db;
    const append = async (count) => {
      await withSystem(db, async (trx) => {
        for (let i = 0; i < count; i += 1) {
          await appendEvent(trx, { type: 'member.added', orgId: org.id, data: { user_id: `usr_${i}`, role: 'viewer' } }, Date.now());
        }
      });
    };
    const worker = rampart.facade('webhooks').worker;
    // Warm-up: connections, the signing key cache, the statement caches.
    await append(200);
    await worker.drain();
    log(`  webhook deliveries, ${EVENTS.toLocaleString('en-US')} events, ${CONCURRENCY} in flight`);
    await append(EVENTS);
    const before = target.received();
    const started = process.hrtime.bigint();
    await worker.drain();
    const delivered = rate(EVENTS, started);
    // At least once: a warm-up straggler may land in the measured drain.
    if (target.received() - before < EVENTS) problems.push(`the receiver got ${target.received() - before} of ${EVENTS} deliveries`);
    const unfinished = await withSystem(db, (trx) =>
      trx.selectFrom('webhook_deliveries').select(['last_error', 'status']).where('status', '!=', 'delivered').execute(),
    );
    for (const row of unfinished) problems.push(`a delivery is ${row.status}: ${row.last_error}`);

    const body = Buffer.from(JSON.stringify({ type: 'member.added', timestamp: new Date().toISOString(), data: { user_id: 'usr_1' } }));
    const policy = rampart.facade('webhooks').policy;
    const resolver = systemResolver();
    let next = 0;
    const rawStarted = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < EVENTS; i = next++) {
          const sent = await sendOutbound(
            { url: `http://127.0.0.1:${target.port}/hook`, method: 'POST', headers: { 'content-type': 'application/json' }, body },
            policy,
            resolver,
          );
          if (sent.outcome !== 'ok') problems.push(`a raw send failed: ${sent.outcome}`);
        }
      }),
    );
    const raw = rate(EVENTS, rawStarted);
    const signer = new Webhook(endpoint.secret);
    const signStarted = process.hrtime.bigint();
    for (let i = 0; i < EVENTS; i += 1) signer.sign(`evt_${i}`, new Date(), body);
    const sign = rate(EVENTS, signStarted);
    const rows = [
      { label: 'delivered: fan-out, claim, sign, send, record', value: delivered },
      { label: 'peer: sendOutbound alone (no db, no signature)', value: raw },
      { label: 'peer: Webhook.sign alone', value: sign },
    ];
    const ratios = [
      { label: 'deliveries per second', value: delivered, goal: '≥ 2000', met: delivered >= 2000 },
      { label: 'delivered / raw sendOutbound', value: delivered / raw, goal: 'measured', met: true },
    ];
    return { rows, ratios, problems, valid: problems.length === 0 };
  } finally {
    await app.close();
    await rampart.close();
    await closeOutboundConnections();
    await target.close();
    rmSync(path.dirname(dataDir), { recursive: true, force: true });
  }
}

export function describeDeliveries(result) {
  const lines = ['', 'measure (per second)'.padEnd(52) + 'value'.padStart(14)];
  for (const row of result.rows) lines.push(row.label.padEnd(52) + Math.round(row.value).toLocaleString('en-US').padStart(14));
  lines.push('', 'figure'.padEnd(52) + 'value'.padStart(12) + '  goal');
  for (const ratio of result.ratios)
    lines.push(
      ratio.label.padEnd(52) +
        ratio.value.toFixed(3).padStart(12) +
        `  ${ratio.goal}${ratio.goal === 'measured' ? '' : ratio.met ? ' met' : ' NOT met'}`,
    );
  for (const problem of result.problems) lines.push(`PROBLEM: ${problem}`);
  return lines;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await runDeliveriesBench((line) => process.stderr.write(`${line}\n`));
  for (const line of describeDeliveries(result)) process.stdout.write(`${line}\n`);
  process.exitCode = result.valid ? 0 : 1;
}
