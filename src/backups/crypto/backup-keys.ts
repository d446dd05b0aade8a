/**
 * The keys of a backup, all from the master key (RFC 5869 HKDF, kernel/crypto/derive-key.ts), none
 * ever written into a backup:
 * - a fresh 256-bit data key per backup encrypts its parts, and travels in the manifest wrapped
 *   (AES-256-GCM, bound to the backup's id) under `backup-key-wrap`;
 * - `backup-signing` authenticates manifests and drill reports (HMAC-SHA-256);
 * - `backup-canary-seal` seals the drill canary's password in the database.
 * The master key's id in a manifest is a digest of a derived key: it names which key a backup
 * needs without saying anything about the key.
 */
import { createHash } from 'node:crypto';
import { openAesGcm, sealAesGcm } from '../../kernel/crypto/aes-gcm-seal.js';
import { deriveKey } from '../../kernel/crypto/derive-key.js';
import { randomKey } from '../../kernel/crypto/random.js';
import { secret, type Secret } from '../../kernel/domain/secret.js';

/** The derived keys a backup, a restore or a drill works with. */
export interface BackupKeys {
  /** A short public id of the master key (16 bytes of a digest of a derived key, base64url). */
  readonly masterKeyId: string;
  readonly signing: Secret<Buffer>;
  readonly wrap: Secret<Buffer>;
  readonly canarySeal: Secret<Buffer>;
}

export function backupKeys(masterKey: Secret<Buffer>): BackupKeys {
  const signing = deriveKey(masterKey, 'backup-signing');
  return {
    masterKeyId: createHash('sha256')
      .update('rampart-backup/1 master-key-id\n')
      .update(signing.reveal())
      .digest()
      .subarray(0, 16)
      .toString('base64url'),
    signing,
    wrap: deriveKey(masterKey, 'backup-key-wrap'),
    canarySeal: deriveKey(masterKey, 'backup-canary-seal'),
  };
}

/** A fresh data key for one backup. */
export function newDataKey(): Secret<Buffer> {
  return secret(randomKey(32));
}

/** The data key sealed under the wrap key, bound to the backup's id (so it opens for that backup only). */
export function wrapDataKey(keys: BackupKeys, backupId: string, dataKey: Secret<Buffer>): string {
  return sealAesGcm(keys.wrap.reveal(), dataKey.reveal(), `backup-data-key:${backupId}`);
}

/** The data key of `backupId`, or undefined when it does not open (another master key, another backup). */
export function unwrapDataKey(keys: BackupKeys, backupId: string, wrapped: string): Secret<Buffer> | undefined {
  const key = openAesGcm(keys.wrap.reveal(), wrapped, `backup-data-key:${backupId}`);
  return key === undefined ? undefined : secret(key);
}

/** The canary's password sealed for the database. */
export function sealCanaryPassword(keys: BackupKeys, userId: string, password: string): string {
  return sealAesGcm(keys.canarySeal.reveal(), Buffer.from(password, 'utf8'), `backup-canary:${userId}`);
}

/** The canary's password, or undefined when it does not open. */
export function openCanaryPassword(keys: BackupKeys, userId: string, sealed: string): string | undefined {
  return openAesGcm(keys.canarySeal.reveal(), sealed, `backup-canary:${userId}`)?.toString('utf8');
}

/** A running SHA-256 of what is written, for the manifest's part hashes. */
export function partDigest(): { update(data: Uint8Array): void; hex(): string } {
  const hash = createHash('sha256');
  return {
    update: (data) => {
      hash.update(data);
    },
    hex: () => hash.digest('hex'),
  };
}
