/**
 * `rampart restore-drill` (issue 19, item 4): proves a backup restorable by restoring it. The
 * newest backup in the directory (or the one named) is verified and restored into a scratch
 * deployment (adapters/scratch-deployment.ts), which is then checked:
 *
 * | check        | what it proves                                                                  |
 * |--------------|---------------------------------------------------------------------------------|
 * | `manifest`   | signature, master key, every part's size and SHA-256 (backup-verification.ts)    |
 * | `restore`    | every chunk authenticates and the database loads into an empty scratch store    |
 * | `row_counts` | the restored rows per table are the manifest's                                  |
 * | `migrations` | the restored schema is the manifest's, and this build's migrations apply to it  |
 * | `audit`      | the restored log verifies up to the manifest's checkpoint (RFC 9162 root)        |
 * | `secrets`    | every secret version's ciphertext opens and authenticates (`rampart secrets rewrap` on the scratch copy) |
 * | `login`      | the drill canary signs in to a scratch server on a random loopback port         |
 *
 * The scratch deployment is removed whatever happens; the report is signed (HMAC-SHA-256,
 * `backup-signing`), recorded in the live deployment's `backup_drills` and audited
 * (`backup.drill`, entry first). A failed check fails the drill, naming it.
 */
import { resolve } from 'node:path';
import type { RampartConfig } from '../../kernel/config.js';
import { auditedChange } from '../../kernel/audited-change.js';
import { randomToken } from '../../kernel/crypto/random.js';
import { migrateToLatest, openDatabase } from '../../kernel/adapters/sql/sql-database.js';
import type { Secret } from '../../kernel/domain/secret.js';
import type { AuditLog } from '../../kernel/ports/audit-log.js';
import { openCanaryPassword, type BackupKeys } from '../crypto/backup-keys.js';
import { signDocument, verifyDocument } from '../crypto/backup-signature.js';
import type { Manifest } from '../domain/backup-manifest.js';
import type { DrillCheck, DrillReport } from '../domain/reports.js';
import type { BackupPorts, ScratchDeployment } from '../ports/backup-ports.js';
import { backupKeysOf, existingMasterKey, openLiveDeployment } from './backup-runtime.js';
import { chooseManifest, verifyBackup, type VerifiedBackup } from './backup-verification.js';
import { backupEvent, type ProgressListener } from './backup.js';
import { loadBackup } from './restore.js';
import { checkRestoredAudit } from './restored-audit.js';

export type { DrillCheck, DrillReport } from '../domain/reports.js';

export interface DrillOptions {
  /** The directory of the backups. */
  readonly dir: string;
  /** The adapters (adapters/backup-ports.ts `backupPorts()`). */
  readonly ports: BackupPorts;
  /** A backup id or manifest file name in `dir`; absent: the newest. */
  readonly backup?: string;
  readonly onProgress?: ProgressListener;
  /** The audit log to record in (a running server's); absent: the deployment's, opened for the drill. */
  readonly audit?: AuditLog;
}

/** Thrown by a check's work to fail it with a detail. */
class CheckFailed extends Error {}

type CheckWork = () => Promise<string>;

async function timed(checks: DrillCheck[], name: string, work: CheckWork, onProgress?: ProgressListener): Promise<boolean> {
  const start = performance.now();
  let check: DrillCheck;
  try {
    check = { name, ok: true, detail: await work(), ms: Math.round(performance.now() - start) };
  } catch (error) {
    const detail = error instanceof Error ? error.message : 'failed';
    check = { name, ok: false, detail, ms: Math.round(performance.now() - start) };
  }
  checks.push(check);
  onProgress?.(checks.length, 7, `${name} ${check.ok ? 'passed' : 'FAILED'}`);
  return check.ok;
}

function compareCounts(expected: Readonly<Record<string, number>>, found: Readonly<Record<string, number>>): string {
  const wrong = Object.entries(expected).filter(([table, rows]) => found[table] !== rows);
  if (wrong.length > 0) {
    throw new CheckFailed(
      `row counts differ from the manifest: ${wrong.map(([table, rows]) => `${table} ${found[table] ?? 'missing'} ≠ ${rows}`).join(', ')}`,
    );
  }
  const total = Object.values(expected).reduce((sum, rows) => sum + rows, 0);
  return `${Object.keys(expected).length} tables, ${total} rows, as in the manifest`;
}

async function secretsCheck(ports: BackupPorts, scratch: ScratchDeployment, masterKey: Secret<Buffer>): Promise<string> {
  const rotate = await ports.runRampart(['secrets', 'rotate-data-keys'], scratch.config, masterKey);
  if (rotate.code !== 0)
    throw new CheckFailed(`rampart secrets rotate-data-keys failed on the scratch copy (exit ${rotate.code}) ${rotate.message}`);
  const rewrap = await ports.runRampart(['secrets', 'rewrap'], scratch.config, masterKey);
  const result = rewrap.result as { rewrapped?: number; failed?: number } | null;
  if (rewrap.code !== 0 || result === null) {
    throw new CheckFailed(
      `${result?.failed ?? 'some'} secret version(s) failed to authenticate on the scratch copy (${scratch.location}) ${rewrap.message}`,
    );
  }
  return `${result.rewrapped ?? 0} secret version(s) opened and authenticated under their restored data keys`;
}

async function loginCheck(
  ports: BackupPorts,
  scratch: ScratchDeployment,
  keys: BackupKeys,
  manifest: Manifest,
  masterKey: Secret<Buffer>,
): Promise<string> {
  const database = openDatabase({
    url: scratch.config.databaseMigrationUrl ?? scratch.config.databaseUrl,
    dataDir: scratch.config.dataDir,
  });
  let canary;
  try {
    canary = await ports.findCanary(database.db);
  } finally {
    await database.close();
  }
  if (canary === undefined) {
    if ((manifest.tables.users ?? 0) === 0) return 'skipped: the backup holds no account to sign in as';
    throw new CheckFailed('the backup holds no drill canary account (take backups with `rampart backup` or the schedule)');
  }
  const password = openCanaryPassword(keys, canary.userId, canary.sealedPassword);
  if (password === undefined) throw new CheckFailed("the drill canary's sealed password does not open under this master key");
  const server = await ports.startServer(scratch.config, masterKey);
  try {
    const response = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: canary.email, password }),
    });
    const body = (await response.json().catch(() => ({}))) as { access_token?: unknown };
    if (response.status !== 200 || typeof body.access_token !== 'string') {
      throw new CheckFailed(`the drill canary could not sign in to the scratch server (HTTP ${response.status})`);
    }
    return `the drill canary signed in to a scratch server on ${new URL(server.url).host}`;
  } finally {
    await server.stop();
  }
}

/** Applies this build's pending migrations to the scratch copy; how many were applied. */
async function migrateScratch(scratch: ScratchDeployment): Promise<number> {
  const { config } = scratch;
  const database = openDatabase({ url: config.databaseUrl, migrationUrl: config.databaseMigrationUrl, dataDir: config.dataDir });
  try {
    const result = await migrateToLatest(database);
    return result.results?.length ?? 0;
  } finally {
    await database.close();
  }
}

async function runChecks(config: RampartConfig, keys: BackupKeys, options: DrillOptions, checks: DrillCheck[]): Promise<string> {
  const { ports } = options;
  const target = ports.target(resolve(options.dir));
  let verified: VerifiedBackup | undefined;
  let backupId = options.backup ?? 'none';
  const progress = options.onProgress;
  const manifestOk = await timed(
    checks,
    'manifest',
    async () => {
      const name = await chooseManifest(target, options.backup);
      backupId = name.replace(/\.manifest\.json$/, '');
      verified = await verifyBackup(target, name, keys);
      return `signature, master key and ${verified.manifest.parts.length} part hash(es) verified`;
    },
    progress,
  );
  if (!manifestOk || verified === undefined) return backupId;
  const { manifest, dataKey } = verified;
  const masterKey = existingMasterKey(config);
  const scratch = await ports.createScratch(config, masterKey);
  try {
    const snapshot = ports.database(scratch.config);
    if (
      !(await timed(
        checks,
        'restore',
        async () => {
          await loadBackup(target, snapshot, scratch.config.dataDir, manifest, dataKey, false);
          return `restored into a scratch ${manifest.dialect} store`;
        },
        progress,
      ))
    )
      return backupId;
    await timed(checks, 'row_counts', async () => compareCounts(manifest.tables, (await snapshot.facts()).tables), progress);
    await timed(
      checks,
      'migrations',
      async () => {
        const restored = (await snapshot.facts()).schemaVersion;
        if (restored !== manifest.schema_version)
          throw new CheckFailed(`the restored schema is at ${restored}, the manifest says ${manifest.schema_version}`);
        const applied = await migrateScratch(scratch);
        return `schema ${restored}; ${applied === 0 ? 'up to date with this build' : `${applied} migration(s) of this build applied`}`;
      },
      progress,
    );
    await timed(
      checks,
      'audit',
      async () => {
        const audit = await checkRestoredAudit(scratch.config, manifest);
        if (!audit.ok) throw new CheckFailed(audit.detail);
        return audit.detail;
      },
      progress,
    );
    await timed(checks, 'secrets', () => secretsCheck(ports, scratch, masterKey), progress);
    await timed(checks, 'login', () => loginCheck(ports, scratch, keys, manifest, masterKey), progress);
    return backupId;
  } finally {
    dataKey.reveal().fill(0);
    await scratch.remove();
  }
}

/** Runs a restore drill of the newest (or the named) backup in `options.dir`; see the module comment. */
export async function runRestoreDrill(config: RampartConfig, options: DrillOptions): Promise<DrillReport> {
  const keys = backupKeysOf(config);
  const startedAt = Date.now();
  const checks: DrillCheck[] = [];
  const backup = await runChecks(config, keys, options, checks);
  const finishedAt = Date.now();
  const unsigned = { ok: checks.length > 0 && checks.every((check) => check.ok), backup, checks, startedAt, finishedAt };
  const report: DrillReport = { ...unsigned, signature: signDocument(keys.signing.reveal(), 'drill-report', unsigned) };
  const live = await openLiveDeployment(config, options.audit);
  try {
    const event = backupEvent('backup.drill', `backup:${backup}`, {
      ok: report.ok,
      failed: checks.filter((check) => !check.ok).map((check) => check.name),
    });
    await auditedChange(live.audit, event, () => options.ports.recordDrill(live.database.db, `drl_${randomToken(12)}`, report));
  } finally {
    await live.close();
  }
  return report;
}

/** Whether `report`'s signature is the one `config`'s master key gives it. */
export function drillReportAuthentic(config: RampartConfig, report: DrillReport): boolean {
  const { signature, ...unsigned } = report;
  return verifyDocument(backupKeysOf(config).signing.reveal(), 'drill-report', unsigned, signature);
}
