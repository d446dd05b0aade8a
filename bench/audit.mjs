/**
 * Audit log benchmarks (issue 6), in-process, one run:
 *
 * - durable events/s on SQLite with group commit (the production `SqlAuditLog`: batches of up to
 *   2048 events per transaction, `synchronous=FULL`, personal fields sealed per subject, leaves and
 *   subtree hashes written in the same transaction), against a baseline that commits each event in
 *   its own transaction (`maxBatch: 1`), and the same group commit on PostgreSQL (each batch
 *   integrated in its own transaction under the tree's advisory lock, two transactions at a time);
 * - inclusion and consistency proof latency at each size of `BENCH_AUDIT_PROOF_SIZES` (SQLite): the
 *   log is built once, growing through the sizes, in large transactions through the production
 *   append path (`SqliteAuditStatements.append`, format-1 entries: the same leaves and subtree
 *   hashes the log stores; `synchronous=OFF` while building, since the build is a fixture and not
 *   what is measured), its build rate printed; then median and p99 of random proofs through
 *   `AuditService` (one subtree query per proof, upper levels cached by the ledger);
 * - checkpoint signing rate (C2SP tlog-checkpoint + Ed25519 signed note);
 * - time from append to a signed checkpoint covering it, under load, with checkpoints on demand
 *   (issue 20 item 4: `CheckpointScheduler`, BENCH_AUDIT_CHECKPOINT_INTERVAL_MS, default 1000), p50/p99.
 *
 * `node bench/audit.mjs` after `npm run build`; `npm run bench -- audit` runs it in the harness.
 * Knobs: BENCH_AUDIT_EVENTS (default 200,000), BENCH_AUDIT_BASELINE_EVENTS (20,000),
 * BENCH_AUDIT_PROOF_SIZES (comma-separated; default `1000000,10000000`: ~7 GB in the temp dir,
 * deleted after), BENCH_AUDIT_QUICK=1 (proofs at 1,000,000 only, when the sizes are not given),
 * BENCH_PG_URL (an admin URL; default the test one; "off" skips), BENCH_DIST (the compiled tree to
 * measure; default dist/).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import { setTimeout } from 'node:timers';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (file) => import(pathToFileURL(path.join(process.env.BENCH_DIST ?? path.join(ROOT, 'dist'), file)).href);
const env = (name, fallback) => (process.env[name] === undefined ? fallback : Number(process.env[name]));

const clock = { now: () => Date.now() };

function event(n) {
  return {
    org: 'org_bench',
    actor: { type: 'user', id: `usr_${n % 1000}` },
    action: 'resource.update',
    resource: `res_${n}`,
    result: 'success',
    sourceIp: '192.0.2.10',
    requestId: `req_${n}`,
    userAgent: 'bench/1.0',
    details: { n },
  };
}

async function openStore(kind, pgAdminUrl) {
  const { openDatabase, migrateToLatest } = await dist('kernel/adapters/sql/sql-database.js');
  const { Secret } = await dist('kernel/domain/secret.js');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rampart-audit-bench-'));
  let url;
  let dropDb = async () => undefined;
  if (kind === 'postgres') {
    const pg = (await import('pg')).default;
    const name = `rampart_bench_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: pgAdminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(pgAdminUrl);
    u.pathname = `/${name}`;
    url = new Secret(u.toString());
    dropDb = async () => {
      const c = new pg.Client({ connectionString: pgAdminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  }
  const database = openDatabase({ url, dataDir });
  await migrateToLatest(database);
  return {
    database,
    /** Bytes the SQLite store takes on disk (database and write-ahead log). */
    diskBytes: () =>
      readdirSync(dataDir)
        .filter((name) => name.startsWith('rampart.db'))
        .reduce((total, name) => total + statSync(path.join(dataDir, name)).size, 0),
    async close() {
      await database.close();
      await dropDb();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Records `count` events with up to `inFlight` outstanding; resolves with events/s once all are durable (and integrated). */
async function appendRate(kind, count, options, pgAdminUrl) {
  const { SqlAuditLog } = await dist('audit/adapters/sql-audit-log.js');
  const { Secret } = await dist('kernel/domain/secret.js');
  const store = await openStore(kind, pgAdminUrl);
  const log = new SqlAuditLog(store.database, { clock, subjectKeyWrap: new Secret(Buffer.alloc(32, 3)), ...options });
  try {
    const inFlight = options.inFlight ?? 4096;
    const started = process.hrtime.bigint();
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const n = next++;
        await log.record(event(n));
      }
    };
    await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
    const size = await log.integrate();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (size !== count) throw new Error(`${kind}: ${size} entries integrated, expected ${count}`);
    const stats = log.stats();
    return { eventsPerSecond: count / seconds, seconds, transactions: stats.transactions, events: stats.events };
  } finally {
    await log.close();
    await store.close();
  }
}

/**
 * Time from append to a signed checkpoint covering it, under load (issue 20, item 4): the
 * production `SqlAuditLog` with the production `CheckpointScheduler` (interval `intervalMs`)
 * signing through `AuditService`/`SqlAuditLedger`, `count` events from `inFlight` appenders.
 * Every 100th event is sampled when its `record` resolves (durable): it is covered by the first
 * checkpoint whose size reaches the events committed by then.
 */
async function checkpointLatency(kind, count, intervalMs, pgAdminUrl) {
  const { SqlAuditLog } = await dist('audit/adapters/sql-audit-log.js');
  const { SqlAuditLedger } = await dist('audit/adapters/sql-audit-ledger.js');
  const { AuditService } = await dist('audit/services/audit-service.js');
  const { CheckpointScheduler } = await dist('audit/services/checkpoint-scheduler.js');
  const { Secret, secret } = await dist('kernel/domain/secret.js');
  const store = await openStore(kind, pgAdminUrl);
  const ledger = await SqlAuditLedger.open(store.database, { kek: secret(Buffer.alloc(32, 5)), origin: 'bench/rampart/audit', clock });
  const service = new AuditService(ledger);
  const waiting = [];
  const latencies = [];
  let checkpoints = 0;
  const scheduler = new CheckpointScheduler(
    async () => {
      const note = await service.issueCheckpoint();
      const size = Number(note.split('\n')[1]);
      const now = performance.now();
      checkpoints += 1;
      for (let i = waiting.length - 1; i >= 0; i -= 1) {
        if (waiting[i].needed <= size) {
          latencies.push(now - waiting[i].at);
          waiting.splice(i, 1);
        }
      }
    },
    intervalMs,
    (error) => process.stderr.write(`checkpoint failed: ${error.message}\n`),
  );
  const log = new SqlAuditLog(store.database, {
    clock,
    subjectKeyWrap: new Secret(Buffer.alloc(32, 3)),
    onCommitted: () => scheduler.request(),
  });
  try {
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const n = next++;
        await log.record(event(n));
        if (n % 100 === 0) waiting.push({ at: performance.now(), needed: log.stats().events });
      }
    };
    await Promise.all(Array.from({ length: 4096 }, worker));
    await log.integrate();
    const deadline = performance.now() + intervalMs * 5;
    while (waiting.length > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    latencies.sort((a, b) => a - b);
    const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? Number.NaN;
    return {
      p50Ms: at(0.5),
      p99Ms: at(0.99),
      maxMs: latencies.at(-1) ?? Number.NaN,
      samples: latencies.length,
      uncovered: waiting.length,
      checkpoints,
    };
  } finally {
    await log.close();
    await scheduler.close();
    await store.close();
  }
}

/**
 * Builds a log of format-1 entries through the production SQLite append path
 * (`SqliteAuditStatements.append`: the leaves, leaf hashes and subtree hashes the log stores, in
 * the same layout) in transactions of `BULK_BATCH` entries, and at each size of `sizes` (ascending)
 * times random proofs through `AuditService` and the `SqlAuditLedger` the server uses.
 */
async function proofLatency(sizes, log) {
  const { SqliteAuditStatements } = await dist('audit/adapters/sql-audit-sqlite.js');
  const { entryColumns } = await dist('audit/adapters/audit-rows.js');
  const { SqlAuditLedger } = await dist('audit/adapters/sql-audit-ledger.js');
  const { AuditService } = await dist('audit/services/audit-service.js');
  const { verifyInclusion, verifyConsistency } = await dist('audit/crypto/merkle.js');
  const { secret } = await dist('kernel/domain/secret.js');
  const store = await openStore('sqlite');
  const results = [];
  try {
    const { db, sqlite } = store.database;
    const statements = new SqliteAuditStatements(sqlite);
    const BULK_BATCH = 100_000;
    let frontier;
    let built = 0;
    let buildSeconds = 0;
    for (const size of sizes) {
      const started = process.hrtime.bigint();
      sqlite.pragma('synchronous = OFF');
      while (built < size) {
        const from = built;
        const rows = Array.from({ length: Math.min(BULK_BATCH, size - from) }, (_, i) => ({
          columns: entryColumns(event(from + i), clock.now()),
        }));
        frontier = (await statements.transaction(db, () => statements.append(frontier, rows, false))).frontier;
        built += rows.length;
        if (built % 1_000_000 === 0 || built === size)
          log(`  appended ${built.toLocaleString('en-US')} / ${sizes.at(-1).toLocaleString('en-US')}`);
      }
      sqlite.pragma('synchronous = FULL');
      buildSeconds += Number(process.hrtime.bigint() - started) / 1e9;
      log(
        `  ${size.toLocaleString('en-US')} entries built in ${buildSeconds.toFixed(0)} s (${Math.round(size / buildSeconds).toLocaleString('en-US')} entries/s)`,
      );
      // A fresh ledger per size: its cache of upper subtrees starts empty, as after a restart.
      const ledger = await SqlAuditLedger.open(store.database, { kek: secret(Buffer.alloc(32, 5)), origin: 'bench/rampart/audit', clock });
      const service = new AuditService(ledger);
      const samples = 2000;
      const timeIt = async (fn) => {
        const times = [];
        for (let i = 0; i < samples; i += 1) {
          const t = process.hrtime.bigint();
          await fn(i);
          times.push(Number(process.hrtime.bigint() - t) / 1e6);
        }
        times.sort((a, b) => a - b);
        return { medianMs: times[Math.floor(samples / 2)], p99Ms: times[Math.floor(samples * 0.99)] };
      };
      const root = (await service.inclusionProof(0, size)).rootHash;
      const inclusion = await timeIt(async () => {
        const index = Math.floor(Math.random() * size);
        const proof = await service.inclusionProof(index, size);
        if (!verifyInclusion(proof.leafHash, index, size, proof.proof, root).ok) throw new Error('an inclusion proof does not verify');
      });
      // Verified once per sample outside the timing (the first tree's root costs a second proof).
      for (let i = 0; i < 200; i += 1) {
        const first = 1 + Math.floor(Math.random() * (size - 1));
        const proof = await service.consistencyProof(first, size);
        const firstRoot = (await service.inclusionProof(0, first)).rootHash;
        if (!verifyConsistency(first, size, proof.proof, firstRoot, root).ok) throw new Error('a consistency proof does not verify');
      }
      const consistency = await timeIt(async () => {
        await service.consistencyProof(1 + Math.floor(Math.random() * (size - 1)), size);
      });
      results.push({ size, inclusion, consistency, buildSeconds, buildRate: size / buildSeconds, diskBytes: store.diskBytes() });
    }
    return results;
  } finally {
    await store.close();
  }
}

async function signingRate() {
  const { formatCheckpoint, signNote, noteSigner } = await dist('audit/crypto/signed-note.js');
  const { privateKey } = generateKeyPairSync('ed25519');
  const signer = noteSigner('bench/rampart/audit', privateKey);
  const rootHash = new Uint8Array(randomBytes(32));
  let count = 0;
  const started = process.hrtime.bigint();
  const until = started + 2_000_000_000n;
  while (process.hrtime.bigint() < until) {
    signNote(formatCheckpoint({ origin: 'bench/rampart/audit', size: 1_000_000 + count, rootHash, extensions: [] }), signer);
    count += 1;
  }
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

export async function runAuditBench(log = () => undefined) {
  const events = env('BENCH_AUDIT_EVENTS', 200_000);
  const baselineEvents = env('BENCH_AUDIT_BASELINE_EVENTS', 20_000);
  const defaultSizes = process.env.BENCH_AUDIT_QUICK === '1' ? '1000000' : '1000000,10000000';
  const proofSizes = (process.env.BENCH_AUDIT_PROOF_SIZES ?? process.env.BENCH_AUDIT_PROOF_SIZE ?? defaultSizes)
    .split(',')
    .map(Number)
    .sort((a, b) => a - b);
  if (!proofSizes.every((n) => Number.isSafeInteger(n) && n >= 2))
    throw new Error('BENCH_AUDIT_PROOF_SIZES: sizes of at least 2, comma-separated');
  const pgUrl = process.env.BENCH_PG_URL ?? process.env.TEST_PG_ADMIN_URL ?? 'postgres://rampart_test:rampart_test@127.0.0.1:5432/postgres';
  const rows = [];
  const problems = [];

  log(`  SQLite, group commit: ${events.toLocaleString('en-US')} events`);
  const sqlite = await appendRate('sqlite', events, {});
  rows.push({
    label: 'SQLite, group commit (durable events/s)',
    value: sqlite.eventsPerSecond,
    detail: `${sqlite.transactions} transactions`,
  });
  log(`  SQLite, one transaction per event: ${baselineEvents.toLocaleString('en-US')} events`);
  const baseline = await appendRate('sqlite', baselineEvents, { maxBatch: 1 });
  rows.push({
    label: 'SQLite, one transaction per event (baseline)',
    value: baseline.eventsPerSecond,
    detail: `${baseline.transactions} transactions`,
  });
  let postgres;
  if (pgUrl !== 'off') {
    try {
      log(`  PostgreSQL, group commit: ${events.toLocaleString('en-US')} events`);
      postgres = await appendRate('postgres', events, {}, pgUrl);
      rows.push({
        label: 'PostgreSQL, group commit, integrated per batch',
        value: postgres.eventsPerSecond,
        detail: `${postgres.transactions} transactions`,
      });
    } catch (error) {
      problems.push(`PostgreSQL run failed: ${error.message}`);
    }
  }
  const intervalMs = env('BENCH_AUDIT_CHECKPOINT_INTERVAL_MS', 1000);
  const latencyEvents = env('BENCH_AUDIT_LATENCY_EVENTS', 100_000);
  const latencies = [];
  for (const kind of pgUrl === 'off' ? ['sqlite'] : ['sqlite', 'postgres']) {
    try {
      log(`  ${kind}: append to covering checkpoint, ${latencyEvents.toLocaleString('en-US')} events, interval ${intervalMs} ms`);
      latencies.push({ kind, ...(await checkpointLatency(kind, latencyEvents, intervalMs, pgUrl)) });
    } catch (error) {
      problems.push(`${kind} checkpoint latency run failed: ${error.message}`);
    }
  }
  log(`  proofs at ${proofSizes.map((n) => n.toLocaleString('en-US')).join(', ')} entries`);
  const proofs = await proofLatency(proofSizes, log);
  const signing = await signingRate();
  rows.push({ label: 'checkpoint signing (notes/s)', value: signing, detail: 'tlog-checkpoint + Ed25519 signed note' });

  const ratios = [
    {
      label: 'SQLite group commit / per-event transactions',
      value: sqlite.eventsPerSecond / baseline.eventsPerSecond,
      goal: '>1',
      met: sqlite.eventsPerSecond > baseline.eventsPerSecond,
    },
    { label: 'SQLite durable events/s', value: sqlite.eventsPerSecond, goal: '≥ 50,000', met: sqlite.eventsPerSecond >= 50_000 },
    ...(postgres === undefined
      ? []
      : [
          {
            label: 'PostgreSQL durable events/s',
            value: postgres.eventsPerSecond,
            goal: '≥ 20,000',
            met: postgres.eventsPerSecond >= 20_000,
          },
        ]),
    ...latencies.map((l) => ({
      label: `${l.kind}: append → covering checkpoint p99 ms`,
      value: l.p99Ms,
      goal: `≤ ${intervalMs} ms + signing`,
      met: l.uncovered === 0 && l.p99Ms <= intervalMs * 1.2,
    })),
    ...proofs.flatMap((p) => [
      {
        label: `inclusion proof median ms at ${p.size.toLocaleString('en-US')}`,
        value: p.inclusion.medianMs,
        goal: '< 1 ms',
        met: p.inclusion.medianMs < 1,
      },
      {
        label: `consistency proof median ms at ${p.size.toLocaleString('en-US')}`,
        value: p.consistency.medianMs,
        goal: '< 1 ms',
        met: p.consistency.medianMs < 1,
      },
    ]),
  ];
  return { rows, ratios, proofs, latencies, problems, valid: problems.length === 0, postgres: postgres ?? null };
}

export function describeAudit(result) {
  const lines = ['', 'measure'.padEnd(52) + 'value'.padStart(14) + '  detail'];
  for (const row of result.rows)
    lines.push(row.label.padEnd(52) + Math.round(row.value).toLocaleString('en-US').padStart(14) + `  ${row.detail}`);
  for (const p of result.proofs) {
    const n = p.size.toLocaleString('en-US');
    lines.push(
      `log of ${n} entries built in ${p.buildSeconds.toFixed(0)} s (${Math.round(p.buildRate).toLocaleString('en-US')} entries/s, bulk, SQLite; ${(p.diskBytes / 2 ** 30).toFixed(2)} GiB on disk)`,
      `inclusion proof at ${n}: median ${p.inclusion.medianMs.toFixed(3)} ms, p99 ${p.inclusion.p99Ms.toFixed(3)} ms (built and verified)`,
      `consistency proof at ${n}: median ${p.consistency.medianMs.toFixed(3)} ms, p99 ${p.consistency.p99Ms.toFixed(3)} ms (built)`,
    );
  }
  for (const l of result.latencies ?? []) {
    lines.push(
      `${l.kind}: append → covering checkpoint under load: p50 ${l.p50Ms.toFixed(0)} ms, p99 ${l.p99Ms.toFixed(0)} ms, max ${l.maxMs.toFixed(0)} ms (${l.samples} samples, ${l.checkpoints} checkpoints, ${l.uncovered} uncovered)`,
    );
  }
  lines.push('', 'ratio'.padEnd(52) + 'value'.padStart(12) + '  goal');
  for (const ratio of result.ratios) {
    lines.push(
      ratio.label.padEnd(52) +
        ratio.value.toFixed(ratio.value >= 100 ? 0 : 3).padStart(12) +
        `  ${ratio.goal} ${ratio.met ? 'met' : 'NOT met'}`,
    );
  }
  for (const problem of result.problems) lines.push(`PROBLEM: ${problem}`);
  return lines;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await runAuditBench((line) => process.stderr.write(`${line}\n`));
  for (const line of describeAudit(result)) process.stdout.write(`${line}\n`);
  process.exitCode = result.valid ? 0 : 1;
}
