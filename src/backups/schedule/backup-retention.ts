/**
 * Retention applied to a backup target after a scheduled backup succeeded (rules in
 * retention.ts). What it reads and deletes, exactly:
 * - it reads every manifest (`bkp_<id>.manifest.json`) the target lists, and takes a backup's
 *   time from it (`created_at`); a manifest it cannot parse is left alone, and so is its backup;
 * - for each backup no rule keeps, it deletes the manifest first (the backup then no longer
 *   exists for `restore`), then the part files the manifest names that carry the backup's own id
 *   (`bkp_<id>.<n>.rbk`: a manifest never makes it delete another backup's files);
 * - it never deletes the backup just written, nor any other file: part files without a manifest
 *   (a backup still being written, or one a crash interrupted) stay for the operator.
 * The deletion is audited first (`backup.prune`, naming the backups); when the log cannot record,
 * nothing is deleted.
 */
import { auditedChange } from '../../kernel/audited-change.js';
import { SYSTEM_ORG_SLUG } from '../../kernel/domain/system-org.js';
import type { AuditEvent, AuditLog } from '../../kernel/ports/audit-log.js';
import { parseManifest } from '../domain/backup-manifest.js';
import type { BackupTarget } from '../ports/backup-target.js';
import { backupsToPrune, type RetainedBackup, type RetentionPolicy } from './retention.js';

const MANIFEST = /^(bkp_[0-9a-f]{32})\.manifest\.json$/;

interface Listed extends RetainedBackup {
  readonly manifest: string;
  readonly parts: readonly string[];
}

async function readText(target: BackupTarget, name: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of target.read(name)) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > 16 * 1024 * 1024) throw new RangeError('manifest too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The backups of `target` that have a manifest retention can read. */
export async function listBackups(target: BackupTarget): Promise<readonly Listed[]> {
  const found: Listed[] = [];
  for (const name of await target.list()) {
    const id = MANIFEST.exec(name)?.[1];
    if (id === undefined) continue;
    const manifest = parseManifest(await readText(target, name).catch(() => ''));
    if (manifest === undefined || manifest.id !== id) continue;
    const own = manifest.parts.map((part) => part.file).filter((file) => file.startsWith(`${id}.`));
    found.push({ id, createdAt: manifest.created_at, manifest: name, parts: own });
  }
  return found;
}

/** Applies `policy` to `target`, sparing `justWritten`; resolves with the ids deleted. */
export async function applyRetention(
  target: BackupTarget,
  policy: RetentionPolicy,
  justWritten: string,
  audit: AuditLog,
): Promise<readonly string[]> {
  const backups = await listBackups(target);
  const doomed = backupsToPrune(backups, policy).filter((backup) => backup.id !== justWritten);
  if (doomed.length === 0) return [];
  const ids = doomed.map((backup) => backup.id);
  const event: AuditEvent = {
    org: SYSTEM_ORG_SLUG,
    actor: { type: 'system', id: null },
    action: 'backup.prune',
    resource: `backups:${target.location}`,
    result: 'success',
    sourceIp: null,
    requestId: null,
    details: { backups: ids, keep_last: policy.keepLast, keep_daily: policy.keepDaily, keep_weekly: policy.keepWeekly },
  };
  await auditedChange(audit, event, async () => {
    const byId = new Map(backups.map((backup) => [backup.id, backup]));
    for (const id of ids) {
      const backup = byId.get(id);
      if (backup === undefined) continue;
      await target.remove(backup.manifest);
      for (const part of backup.parts) await target.remove(part);
    }
  });
  return ids;
}
