/**
 * `rampart restore --from <backup>` (issue 19, item 3): restores a verified backup into the
 * deployment's EMPTY database and data directory. Over data already there only with `--force`
 * and `--confirm <backup id>` typed out. A backup that fails its manifest signature, its parts'
 * hashes or a chunk's authentication is refused, naming what failed, before anything is written
 * (backup-verification.ts). Afterwards the restored audit log must verify up to the manifest's
 * checkpoint, and a configured witness is compared (a rollback is reported); the restore is then
 * recorded in the restored log (`backup.restore`).
 */
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { RampartConfig } from '../../kernel/config.js';
import { prepareDataDirectory } from '../../kernel/adapters/fs/data-directory.js';
import { randomToken } from '../../kernel/crypto/random.js';
import type { Secret } from '../../kernel/domain/secret.js';
import { ChunkAuthenticationError } from '../crypto/chunk-cipher.js';
import type { Manifest } from '../domain/backup-manifest.js';
import type { BackupPorts } from '../ports/backup-ports.js';
import type { BackupTarget } from '../ports/backup-target.js';
import type { DatabaseSnapshot } from '../ports/database-snapshot.js';
import { backupKeysOf } from './backup-runtime.js';
import { BackupRefusedError, chooseManifest, verifyBackup } from './backup-verification.js';
import type { ProgressListener } from './backup.js';
import { readPart, restorePart } from './part-stream.js';
import { checkRestoredAudit, type RestoredAuditCheck } from './restored-audit.js';

export interface RestoreOptions {
  /** A manifest file, or a directory (its newest backup). */
  readonly from: string;
  /** The adapters (adapters/backup-ports.ts `backupPorts()`). */
  readonly ports: BackupPorts;
  readonly force?: boolean;
  /** With `force`: the backup's id, typed out. */
  readonly confirm?: string;
  readonly onProgress?: ProgressListener;
}

export interface RestoreReport {
  readonly backup: string;
  readonly createdAt: number;
  readonly tables: Readonly<Record<string, number>>;
  readonly audit: RestoredAuditCheck;
}

/** Where `from` points: the directory that holds the backup, and the manifest's name or undefined (newest). */
export function backupLocation(from: string): { dir: string; manifest: string | undefined } {
  const path = resolve(from);
  return from.endsWith('.manifest.json') ? { dir: dirname(path), manifest: path } : { dir: path, manifest: undefined };
}

async function restoreFile(
  target: BackupTarget,
  dataDir: string,
  manifest: Manifest,
  index: number,
  dataKey: Secret<Buffer>,
): Promise<void> {
  const part = manifest.parts[index];
  if (part === undefined || !part.name.startsWith('file:')) return;
  const path = resolve(dataDir, part.name.slice('file:'.length));
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${randomToken(6)}.restore`;
  try {
    await restorePart(
      target,
      part.file,
      dataKey,
      { backupId: manifest.id, part: part.name, partIndex: index },
      createWriteStream(temporary, { mode: 0o600, flags: 'wx' }),
    );
    const handle = await open(temporary, 'r+');
    await handle.sync().finally(() => handle.close());
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Loads the verified backup's parts into `snapshot` and the data directory. */
export async function loadBackup(
  target: BackupTarget,
  snapshot: DatabaseSnapshot,
  dataDir: string,
  manifest: Manifest,
  dataKey: Secret<Buffer>,
  replace: boolean,
): Promise<void> {
  if (manifest.dialect !== snapshot.dialect) {
    throw new BackupRefusedError(
      'manifest_invalid',
      `the backup is of a ${manifest.dialect} database; this deployment uses ${snapshot.dialect}`,
    );
  }
  try {
    const database = manifest.parts[0];
    if (database?.name !== 'database') throw new BackupRefusedError('manifest_invalid', 'the backup holds no database part');
    await snapshot.restore(readPart(target, database.file, dataKey, { backupId: manifest.id, part: 'database', partIndex: 0 }), {
      replace,
    });
    for (let index = 1; index < manifest.parts.length; index += 1) await restoreFile(target, dataDir, manifest, index, dataKey);
  } catch (error) {
    if (error instanceof ChunkAuthenticationError) throw new BackupRefusedError('chunk_authentication', error.message);
    throw error;
  }
}

export async function restoreBackup(config: RampartConfig, options: RestoreOptions): Promise<RestoreReport> {
  const keys = backupKeysOf(config);
  const location = backupLocation(options.from);
  const target = options.ports.target(location.dir);
  const name = await chooseManifest(target, location.manifest);
  const { manifest, dataKey } = await verifyBackup(target, name, keys, (done, total) =>
    options.onProgress?.(done, total, 'parts verified'),
  );
  try {
    prepareDataDirectory(config.dataDir);
    const snapshot = options.ports.database(config);
    if (!(await snapshot.isEmpty())) {
      if (options.force !== true) {
        throw new BackupRefusedError(
          'not_empty',
          'the database already holds data; restore into an empty one, or pass --force --confirm <backup id>',
        );
      }
      if (options.confirm !== manifest.id) {
        throw new BackupRefusedError('confirmation_required', `replacing live data needs --confirm ${manifest.id} typed out`);
      }
    }
    await loadBackup(target, snapshot, config.dataDir, manifest, dataKey, options.force === true);
    options.onProgress?.(manifest.parts.length, manifest.parts.length, 'parts restored');
    const audit = await checkRestoredAudit(config, manifest, {
      action: 'backup.restore',
      details: { created_at: manifest.created_at, forced: options.force === true },
    });
    return { backup: manifest.id, createdAt: manifest.created_at, tables: manifest.tables, audit };
  } finally {
    dataKey.reveal().fill(0);
  }
}
