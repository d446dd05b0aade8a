/**
 * Backup benchmarks (issue 19), one run on SQLite (and PostgreSQL when BENCH_BACKUPS_PG_URL names a
 * superuser URL of a server to create a scratch database on):
 *
 * - the plain tool of the same data in the same run: SQLite's online backup API (better-sqlite3
 *   `backup()`), or `pg_dump --format=custom` + `pg_restore`; the reference the others are divided by;
 * - `rampart backup` (createBackup): the snapshot, gzip, AES-256-GCM chunks, SHA-256, signed manifest;
 * - `rampart restore` (restoreBackup) into an empty store: verification, decryption, load, audit check;
 * - `rampart restore-drill` (runRestoreDrill) of the seeded deployment, every check.
 * Throughput is the database's size divided by the time. Goal (issue 19): encrypted backup ≥ 0.7×
 * the plain tool. The seed is BENCH_BACKUPS_MB of semi-compressible rows (default 64 MB), far below
 * the 1M audit entries / 100k secrets: seeding those through the services takes longer
 * than this machine allows per run.
 *
 * `node bench/backups.mjs` after `npm run build`; `npm run bench -- backups` runs it in the harness.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (file) => import(pathToFileURL(path.join(ROOT, 'dist', file)).href);
const MB = Number(process.env.BENCH_BACKUPS_MB ?? 64);
const MASTER_KEY = randomBytes(32).toString('base64');

const seconds = (started) => Number(process.hrtime.bigint() - started) / 1e9;

/** A row of text like a stored entry: repeated field names, random ids. */
function row(i) {
  return JSON.stringify({
    index: i,
    action: 'secret.reveal',
    org: `org_${randomBytes(8).toString('hex')}`,
    resource: `secret:name-${i % 977}`,
    details: randomBytes(96).toString('base64'),
  });
}

async function seed(config, database, log) {
  const { sql } = await import('kysely');
  await sql`create table bench_rows (id integer primary key, body text not null)`.execute(database.db);
  const target = MB * 1024 * 1024;
  let bytes = 0;
  let i = 0;
  while (bytes < target) {
    const values = [];
    for (let j = 0; j < 500; j += 1, i += 1) {
      const body = row(i);
      bytes += body.length;
      values.push({ id: i, body });
    }
    await database.db.insertInto('bench_rows').values(values).execute();
  }
  log(`seeded ${i.toLocaleString('en-US')} rows, ${(bytes / 1048576).toFixed(0)} MB of text`);
}

export async function runBackupsBench(log = () => undefined) {
  const { loadConfig } = await dist('config.js');
  const { openDatabase, migrateToLatest } = await dist('kernel/adapters/sql/sql-database.js');
  const { backupPorts } = await dist('backups/adapters/backup-ports.js');
  const { createBackup } = await dist('backups/services/backup.js');
  const { restoreBackup } = await dist('backups/services/restore.js');
  const { runRestoreDrill } = await dist('backups/services/drill.js');
  const { default: BetterSqlite3 } = await import('better-sqlite3');
  const root = mkdtempSync(path.join(os.tmpdir(), 'rampart-bench-backups-'));
  const rows = [];
  const ratios = [];
  const problems = [];
  try {
    const dataDir = path.join(root, 'data');
    mkdirSync(dataDir, { mode: 0o700 });
    const env = { RAMPART_DATA_DIR: dataDir, RAMPART_MASTER_KEY: MASTER_KEY, RAMPART_LOG_LEVEL: 'warn' };
    const config = loadConfig({ env });
    const database = openDatabase({ url: undefined, dataDir });
    await migrateToLatest(database);
    await seed(config, database, log);
    await database.close();
    const size = statSync(path.join(dataDir, 'rampart.db')).size / 1048576;
    const ports = backupPorts();

    let started = process.hrtime.bigint();
    const live = new BetterSqlite3(path.join(dataDir, 'rampart.db'));
    await live.backup(path.join(root, 'plain.db'));
    live.close();
    const plainBackup = size / seconds(started);
    started = process.hrtime.bigint();
    const copy = new BetterSqlite3(path.join(root, 'plain.db'));
    await copy.backup(path.join(root, 'plain-restored.db'));
    copy.close();
    const plainRestore = size / seconds(started);

    started = process.hrtime.bigint();
    const report = await createBackup(config, { dir: path.join(root, 'backups'), ports });
    const encryptedBackup = size / seconds(started);
    const restoreDir = path.join(root, 'restored');
    started = process.hrtime.bigint();
    await restoreBackup(loadConfig({ env: { ...env, RAMPART_DATA_DIR: restoreDir } }), { from: report.manifest, ports });
    const encryptedRestore = size / seconds(started);
    started = process.hrtime.bigint();
    const drill = await runRestoreDrill(config, { dir: path.join(root, 'backups'), ports });
    const drillSeconds = seconds(started);
    if (!drill.ok)
      problems.push(
        `the drill failed: ${drill.checks
          .filter((c) => !c.ok)
          .map((c) => c.name)
          .join(', ')}`,
      );

    rows.push(
      { label: 'database size (MB)', value: size, detail: 'SQLite file, seeded' },
      { label: 'backup file size (MB)', value: report.bytes / 1048576, detail: 'gzip level 1 + AES-256-GCM chunks' },
      { label: 'SQLite backup() (MB/s)', value: plainBackup, detail: 'plain online backup, the reference' },
      { label: 'rampart backup (MB/s)', value: encryptedBackup, detail: 'snapshot + gzip + AES-256-GCM + SHA-256 + manifest' },
      { label: 'SQLite backup() of the copy (MB/s)', value: plainRestore, detail: 'plain restore, the reference' },
      { label: 'rampart restore (MB/s)', value: encryptedRestore, detail: 'verify + decrypt + load + audit check' },
      { label: 'rampart restore-drill (s)', value: drillSeconds, detail: drill.checks.map((c) => `${c.name} ${c.ms} ms`).join(', ') },
    );
    ratios.push(
      {
        label: 'encrypted backup / SQLite backup()',
        value: encryptedBackup / plainBackup,
        goal: '≥ 0.7',
        met: encryptedBackup / plainBackup >= 0.7,
      },
      { label: 'encrypted restore / SQLite backup()', value: encryptedRestore / plainRestore, goal: 'measured', met: true },
    );
    if (process.env.BENCH_BACKUPS_PG_URL !== undefined)
      await pgRows(process.env.BENCH_BACKUPS_PG_URL, { dist, ports, env, rows, ratios, log, root });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return { rows, ratios, problems, valid: problems.length === 0 };
}

async function pgRows(adminUrl, { ports, env, rows, ratios, log, root }) {
  const { loadConfig } = await dist('config.js');
  const { openDatabase, migrateToLatest } = await dist('kernel/adapters/sql/sql-database.js');
  const { createBackup } = await dist('backups/services/backup.js');
  const { restoreBackup } = await dist('backups/services/restore.js');
  const { default: pg } = await import('pg');
  const names = [
    `bench_backup_${randomBytes(4).toString('hex')}`,
    `bench_restore_${randomBytes(4).toString('hex')}`,
    `bench_plain_${randomBytes(4).toString('hex')}`,
  ];
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const urlOf = (name) => Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
  try {
    for (const name of names) await admin.query(`create database "${name}"`);
    const config = loadConfig({ env: { ...env, RAMPART_DATABASE_URL: urlOf(names[0]) } });
    const database = openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
    await migrateToLatest(database);
    await seed(config, database, log);
    await database.close();
    const size = Number((await admin.query(`select pg_database_size('${names[0]}') as n`)).rows[0].n) / 1048576;
    const libpq = { ...process.env, PGPASSWORD: new URL(adminUrl).password };
    const dumpFile = path.join(root, 'plain.dump');
    let started = process.hrtime.bigint();
    execFileSync(
      'pg_dump',
      [
        '--format=custom',
        '-f',
        dumpFile,
        `--dbname=${names[0]}`,
        '-h',
        new URL(adminUrl).hostname,
        '-U',
        decodeURIComponent(new URL(adminUrl).username),
      ],
      { env: libpq },
    );
    const plainBackup = size / seconds(started);
    started = process.hrtime.bigint();
    execFileSync(
      'pg_restore',
      [
        '--no-owner',
        `--dbname=${names[2]}`,
        '-h',
        new URL(adminUrl).hostname,
        '-U',
        decodeURIComponent(new URL(adminUrl).username),
        dumpFile,
      ],
      { env: libpq },
    );
    const plainRestore = size / seconds(started);
    started = process.hrtime.bigint();
    const report = await createBackup(config, { dir: path.join(root, 'pg-backups'), ports });
    const encryptedBackup = size / seconds(started);
    started = process.hrtime.bigint();
    await restoreBackup(
      loadConfig({ env: { ...env, RAMPART_DATA_DIR: path.join(root, 'pg-restored'), RAMPART_DATABASE_URL: urlOf(names[1]) } }),
      { from: report.manifest, ports },
    );
    const encryptedRestore = size / seconds(started);
    rows.push(
      { label: 'PostgreSQL database size (MB)', value: size, detail: 'pg_database_size' },
      { label: 'pg_dump -Fc (MB/s)', value: plainBackup, detail: 'plain, the reference' },
      { label: 'rampart backup on PostgreSQL (MB/s)', value: encryptedBackup, detail: 'pg_dump -Z0 + gzip + AES-256-GCM' },
      { label: 'pg_restore (MB/s)', value: plainRestore, detail: 'plain, the reference' },
      { label: 'rampart restore on PostgreSQL (MB/s)', value: encryptedRestore, detail: 'verify + decrypt + pg_restore + audit check' },
    );
    ratios.push(
      {
        label: 'encrypted backup / pg_dump (PostgreSQL)',
        value: encryptedBackup / plainBackup,
        goal: '≥ 0.7',
        met: encryptedBackup / plainBackup >= 0.7,
      },
      { label: 'encrypted restore / pg_restore (PostgreSQL)', value: encryptedRestore / plainRestore, goal: 'measured', met: true },
    );
  } finally {
    for (const name of names) await admin.query(`drop database if exists "${name}" with (force)`).catch(() => undefined);
    await admin.end();
  }
}

export function describeBackups(result) {
  const lines = ['', 'measure'.padEnd(44) + 'value'.padStart(10) + '  detail'];
  for (const row of result.rows) lines.push(row.label.padEnd(44) + row.value.toFixed(1).padStart(10) + `  ${row.detail}`);
  lines.push('', 'ratio'.padEnd(44) + 'value'.padStart(10) + '  goal');
  for (const ratio of result.ratios)
    lines.push(
      ratio.label.padEnd(44) +
        ratio.value.toFixed(3).padStart(10) +
        `  ${ratio.goal}${ratio.goal === 'measured' ? '' : ratio.met ? ' met' : ' NOT met'}`,
    );
  for (const problem of result.problems) lines.push(`PROBLEM: ${problem}`);
  return lines;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await runBackupsBench((line) => process.stderr.write(`${line}\n`));
  for (const line of describeBackups(result)) process.stdout.write(`${line}\n`);
  process.exitCode = result.valid ? 0 : 1;
}
