/**
 * `rampart backup` (issue 19, item 1): a consistent online snapshot of the database while servers
 * serve, plus the data-directory files the capabilities name, compressed and encrypted in
 * authenticated chunks under a fresh data key, with a signed manifest written last. The master key
 * never goes into a backup: restoring needs it (docs/backups.md says where to keep it).
 *
 * Steps: the run is audited first (`backup.create`: no entry, no backup); the drill canary is
 * created once the deployment has an account (docs/backups.md, "The drill canary"); the snapshot
 * and its facts are taken together; each part is written atomically; the manifest — format,
 * schema version, time, sizes and SHA-256 of every part, rows per table, the audit log's latest
 * signed checkpoint — is signed and written last; the run is recorded in `backup_runs`. A run
 * that fails removes the parts it wrote, records the failure and adds `not_applied:<code>`.
 */
import { createReadStream } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import type { RampartConfig } from '../../kernel/config.js';
import { auditedChange } from '../../kernel/audited-change.js';
import { randomKey, randomToken } from '../../kernel/crypto/random.js';
import { SYSTEM_ORG_SLUG } from '../../kernel/domain/system-org.js';
import { secret } from '../../kernel/domain/secret.js';
import type { AuditAction } from '../../kernel/domain/audit-entry.js';
import type { AuditLog } from '../../kernel/ports/audit-log.js';
import { newDataKey, sealCanaryPassword, wrapDataKey, type BackupKeys } from '../crypto/backup-keys.js';
import { signDocument } from '../crypto/backup-signature.js';
import { BACKUP_FORMAT, manifestFileName, partFileName, type ManifestBody, type ManifestPart } from '../domain/backup-manifest.js';
import type { BackupReport } from '../domain/reports.js';
import type { CanaryAccounts } from '../ports/canary-accounts.js';
import type { BackupPorts } from '../ports/backup-ports.js';
import type { BackupTarget } from '../ports/backup-target.js';
import { backupKeysOf, openLiveDeployment, type LiveDeployment } from './backup-runtime.js';
import { writePart } from './part-stream.js';

export type { BackupReport } from '../domain/reports.js';

/** Progress of long work: `done` of `total` (bytes; `total` undefined when unknown), and what. */
export type ProgressListener = (done: number, total: number | undefined, what: string) => void;

export interface BackupOptions {
  /** The directory the backup is written to (created 0700). */
  readonly dir: string;
  /** The adapters (adapters/backup-ports.ts `backupPorts()`). */
  readonly ports: BackupPorts;
  readonly onProgress?: ProgressListener;
  /** Data-directory files beyond the database, from the capabilities (`Capability.backup.files`). */
  readonly files?: readonly string[];
  /** Where the drill canary is created (identity's accounts); absent: no canary is created by this run. */
  readonly canary?: CanaryAccounts;
  /** The audit log to record in (a running server's); absent: the deployment's, opened for the run. */
  readonly audit?: AuditLog;
}

/** The system event of a backup-capability action. */
export function backupEvent(action: AuditAction, resource: string, details: Record<string, unknown>) {
  return {
    org: SYSTEM_ORG_SLUG,
    actor: { type: 'system' as const, id: null },
    action,
    resource,
    result: 'success' as const,
    sourceIp: null,
    requestId: null,
    details,
  };
}

/** A new backup id: `bkp_` and 128 random bits in hex. */
export function newBackupId(): string {
  return `bkp_${randomKey(16).toString('hex')}`;
}

/** Creates the drill canary once an account exists (it must never be the first: that place is the bootstrap admin's). */
async function ensureCanary(ports: BackupPorts, live: LiveDeployment, keys: BackupKeys, canary: CanaryAccounts | undefined): Promise<void> {
  if (canary === undefined || (await ports.findCanary(live.database.db)) !== undefined || !(await canary.anyAccount())) return;
  const userId = `usr_${randomKey(16).toString('hex')}`;
  const email = `restore-drill-canary-${randomToken(6)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x')}@rampart.invalid`;
  const password = randomToken(32);
  const now = live.clock.now();
  await auditedChange(live.audit, backupEvent('backup.canary.create', `user:${userId}`, {}), async () => {
    await canary.create(userId, email, secret(password), now);
    await ports.insertCanary(live.database.db, { userId, email, sealedPassword: sealCanaryPassword(keys, userId, password) }, now);
  });
}

/** Paths of `files` relative to the data directory; a file outside it is refused. */
function dataFileNames(config: RampartConfig, files: readonly string[]): { path: string; name: string }[] {
  const root = resolve(config.dataDir);
  return files.map((file) => {
    const path = resolve(root, file);
    const name = relative(root, path).split(sep).join('/');
    if (name === '' || name.startsWith('..') || name.startsWith('/'))
      throw new Error(`a backed-up file must be inside RAMPART_DATA_DIR: ${file}`);
    return { path, name: `file:${name}` };
  });
}

async function writeBackup(
  config: RampartConfig,
  target: BackupTarget,
  keys: BackupKeys,
  id: string,
  options: BackupOptions,
): Promise<Omit<BackupReport, 'durationMs'>> {
  const dataKey = newDataKey();
  const written: string[] = [];
  const parts: ManifestPart[] = [];
  const files = dataFileNames(config, options.files ?? []);
  try {
    const snapshot = options.ports.database(config);
    const body = await snapshot.snapshot(async (dump, facts) => {
      const database = partFileName(id, 0);
      written.push(database);
      const part = await writePart(target, database, dump, dataKey, { backupId: id, part: 'database', partIndex: 0 }, (bytes) =>
        options.onProgress?.(bytes, undefined, 'database bytes snapshotted'),
      );
      parts.push({ name: 'database', file: database, ...toManifestPart(part) });
      for (const [i, file] of files.entries()) {
        const name = partFileName(id, i + 1);
        written.push(name);
        const stored = await writePart(target, name, createReadStream(file.path), dataKey, {
          backupId: id,
          part: file.name,
          partIndex: i + 1,
        });
        parts.push({ name: file.name, file: name, ...toManifestPart(stored) });
        options.onProgress?.(i + 1, files.length, 'files written');
      }
      const manifest: ManifestBody = {
        format: BACKUP_FORMAT,
        id,
        created_at: Date.now(),
        rampart_version: options.ports.rampartVersion,
        dialect: snapshot.dialect,
        schema_version: facts.schemaVersion,
        master_key_id: keys.masterKeyId,
        data_key: wrapDataKey(keys, id, dataKey),
        compression: 'gzip',
        parts,
        tables: facts.tables,
        audit: { checkpoint: facts.checkpoint?.note ?? null, tree_size: facts.checkpoint?.size ?? null },
        canary: facts.canaryUserId === null ? null : { user_id: facts.canaryUserId },
      };
      return manifest;
    });
    const text = `${JSON.stringify({ ...body, signature: signDocument(keys.signing.reveal(), 'manifest', body) }, null, 2)}\n`;
    // Last: a backup exists once its signed manifest does.
    const manifestBytes = await target.write(manifestFileName(id), Readable.from([Buffer.from(text, 'utf8')]));
    return {
      id,
      file: `${target.location}${sep}${partFileName(id, 0)}`,
      manifest: `${target.location}${sep}${manifestFileName(id)}`,
      bytes: parts.reduce((sum, part) => sum + part.bytes, manifestBytes),
      tables: body.tables,
      checkpointSize: body.audit.tree_size,
    };
  } catch (error) {
    for (const name of written) await target.remove(name).catch(() => undefined);
    throw error;
  } finally {
    dataKey.reveal().fill(0);
  }
}

function toManifestPart(part: { bytes: number; plainBytes: number; sha256: string }): Omit<ManifestPart, 'name' | 'file'> {
  return { sha256: part.sha256, bytes: part.bytes, plain_bytes: part.plainBytes };
}

/** Takes a backup of the deployment of `config` into `options.dir`; see the module comment. */
export async function createBackup(config: RampartConfig, options: BackupOptions): Promise<BackupReport> {
  const started = Date.now();
  const keys = backupKeysOf(config);
  const ports = options.ports;
  const target = ports.target(resolve(options.dir));
  const live = await openLiveDeployment(config, options.audit);
  const id = newBackupId();
  try {
    await ensureCanary(ports, live, keys, options.canary);
    const report = await auditedChange(live.audit, backupEvent('backup.create', `backup:${id}`, {}), () =>
      writeBackup(config, target, keys, id, options),
    ).catch(async (error: unknown) => {
      await ports
        .recordBackupRun(live.database.db, {
          id: `run_${randomToken(12)}`,
          startedAt: started,
          finishedAt: Date.now(),
          ok: false,
          backup: null,
          bytes: null,
          failure: 'backup_failed',
        })
        .catch(() => undefined);
      throw error;
    });
    const finished = Date.now();
    await ports.recordBackupRun(live.database.db, {
      id: `run_${randomToken(12)}`,
      startedAt: started,
      finishedAt: finished,
      ok: true,
      backup: id,
      bytes: report.bytes,
      failure: null,
    });
    return { ...report, durationMs: finished - started };
  } finally {
    await live.close();
  }
}
