/**
 * Whether a backup may be opened, checked before anything is restored, in this order: the
 * manifest parses and is named for its own id; it was made under this master key; its signature
 * holds; the data key opens; every part is present with its signed size and SHA-256. A backup that
 * fails any of these is refused with the check's name and restores nothing. Chunk authentication
 * (crypto/chunk-cipher.ts) is checked again while the parts are read.
 */
import { basename } from 'node:path';
import type { Secret } from '../../kernel/domain/secret.js';
import { unwrapDataKey, type BackupKeys } from '../crypto/backup-keys.js';
import { verifyDocument } from '../crypto/backup-signature.js';
import { manifestBody, manifestFileName, parseManifest, partFileName, type Manifest } from '../domain/backup-manifest.js';
import type { BackupTarget } from '../ports/backup-target.js';
import { hashPart } from './part-stream.js';

/** The checks a backup can fail, by the name a refusal gives. */
export type BackupRefusalCode =
  | 'backup_not_found'
  | 'manifest_invalid'
  | 'wrong_master_key'
  | 'manifest_signature'
  | 'part_missing'
  | 'part_hash'
  | 'chunk_authentication'
  | 'not_empty'
  | 'confirmation_required';

/** A backup refused, naming the check that failed (never a key or a value). */
export class BackupRefusedError extends Error {
  readonly code: BackupRefusalCode;

  constructor(code: BackupRefusalCode, detail: string) {
    super(`${code}: ${detail}`);
    this.name = 'BackupRefusedError';
    this.code = code;
  }
}

const MANIFEST_SUFFIX = '.manifest.json';

async function readText(target: BackupTarget, name: string): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const data of target.read(name)) {
    parts.push(data as Buffer);
    size += (data as Buffer).length;
    if (size > 16 * 1024 * 1024) throw new BackupRefusedError('manifest_invalid', `${name} is too large to be a manifest`);
  }
  return Buffer.concat(parts).toString('utf8');
}

/** The manifests in `target`, newest first (unsigned: for choosing, not for trusting). */
export async function listManifests(target: BackupTarget): Promise<readonly Manifest[]> {
  const found: Manifest[] = [];
  for (const name of await target.list()) {
    if (!name.endsWith(MANIFEST_SUFFIX)) continue;
    const manifest = parseManifest(await readText(target, name).catch(() => ''));
    if (manifest !== undefined && manifestFileName(manifest.id) === name) found.push(manifest);
  }
  return found.sort((a, b) => b.created_at - a.created_at);
}

/** A verified backup: its manifest and its opened data key. */
export interface VerifiedBackup {
  readonly manifest: Manifest;
  readonly dataKey: Secret<Buffer>;
}

/** Checks the backup whose manifest is `manifestName` in `target`; throws {@link BackupRefusedError}. */
export async function verifyBackup(
  target: BackupTarget,
  manifestName: string,
  keys: BackupKeys,
  onProgress?: (done: number, total: number) => void,
): Promise<VerifiedBackup> {
  if ((await target.size(manifestName)) === undefined)
    throw new BackupRefusedError('backup_not_found', `${manifestName} does not exist in ${target.location}`);
  const manifest = parseManifest(await readText(target, manifestName));
  if (manifest === undefined) throw new BackupRefusedError('manifest_invalid', `${manifestName} is not a Rampart backup manifest`);
  if (manifestFileName(manifest.id) !== basename(manifestName)) {
    throw new BackupRefusedError('manifest_invalid', `${manifestName} is the manifest of another backup (${manifest.id})`);
  }
  if (manifest.master_key_id !== keys.masterKeyId) {
    throw new BackupRefusedError('wrong_master_key', 'the backup was made under another master key than the one configured');
  }
  if (!verifyDocument(keys.signing.reveal(), 'manifest', manifestBody(manifest), manifest.signature)) {
    throw new BackupRefusedError('manifest_signature', 'the manifest signature does not verify (the manifest was altered)');
  }
  const dataKey = unwrapDataKey(keys, manifest.id, manifest.data_key);
  if (dataKey === undefined) throw new BackupRefusedError('wrong_master_key', "the backup's data key does not open under this master key");
  for (const [index, part] of manifest.parts.entries()) {
    if (part.file !== partFileName(manifest.id, index))
      throw new BackupRefusedError('manifest_invalid', `part ${index} is not named for this backup`);
    if ((await target.size(part.file)) === undefined) throw new BackupRefusedError('part_missing', `${part.name}: ${part.file} is missing`);
    const stored = await hashPart(target, part.file);
    if (stored.bytes !== part.bytes) {
      throw new BackupRefusedError(
        'part_hash',
        `${part.name}: ${part.file} has ${stored.bytes} bytes, the manifest says ${part.bytes} (truncated or altered)`,
      );
    }
    if (stored.sha256 !== part.sha256)
      throw new BackupRefusedError('part_hash', `${part.name}: the SHA-256 of ${part.file} is not the manifest's (altered)`);
    onProgress?.(index + 1, manifest.parts.length);
  }
  return { manifest, dataKey };
}

/** The manifest name `from` points to: a manifest file's name, or the newest in the target. */
export async function chooseManifest(target: BackupTarget, from: string | undefined): Promise<string> {
  if (from !== undefined && from.endsWith(MANIFEST_SUFFIX)) return basename(from);
  if (from !== undefined && /^bkp_[0-9a-f]{32}$/.test(from)) return manifestFileName(from);
  const newest = (await listManifests(target))[0];
  if (newest === undefined) throw new BackupRefusedError('backup_not_found', `no backup in ${target.location}`);
  return manifestFileName(newest.id);
}
