/**
 * Purpose-bound keys from the master key (RFC 5869 HKDF-SHA-256): each use of the master key gets
 * its own 32-byte key, so a key used to wrap signing keys is never also an HMAC key.
 */
import { hkdfSync, timingSafeEqual } from 'node:crypto';
import { secret, type Secret } from '../domain/secret.js';

/**
 * Purposes in use, the one list of them; one `info` string each (`rampart/v1/<purpose>`, RFC 5869
 * §3.2: `info` binds the key to its use), so two uses can never silently share a key.
 * - `signing-key-wrap`: seals the access-token signing keys (identity).
 * - `refresh-successor`: derives a rotated refresh token's successor (identity).
 * - `totp-secret-seal`: seals TOTP secrets (identity, MFA).
 * - `audit-key-wrap`: seals the audit log's checkpoint signing key (audit).
 * - `audit-subject-key-wrap`: wraps the per-subject keys of sealed personal fields (audit).
 * - `audit-cursor`: authenticates the audit listing's cursors (HMAC-SHA-256, audit).
 * - `login-device-token`: authenticates the device tokens of sign-in throttling (identity).
 * - `login-identifier`: keys the digest of a failed sign-in's unknown identifier (identity).
 * - `security-events`: authenticates new-device alert links and security-event cursors (HMAC-SHA-256, identity).
 * - `secret-kek/<kek id>`: one key-encryption key per KEK id for the master-key KEK source (secrets).
 * - `backup-key-wrap`: wraps each backup's data key (backups).
 * - `backup-signing`: authenticates backup manifests and drill reports (HMAC-SHA-256, backups).
 * - `backup-canary-seal`: seals the drill canary's password (backups).
 * - `oidc-state-seal`: seals the state cookie of an OIDC/OAuth sign-in (federation).
 * - `mail-outbox-seal`: seals the queued messages of the mail outbox (mail).
 * - `list-cursor`: authenticates the cursors of every list route (HMAC-SHA-256, kernel/http/cursor.ts).
 */
export type KeyPurpose =
  | 'signing-key-wrap'
  | 'refresh-successor'
  | 'totp-secret-seal'
  | 'audit-key-wrap'
  | 'audit-subject-key-wrap'
  | 'audit-cursor'
  | 'login-device-token'
  | 'login-identifier'
  | 'security-events'
  | 'backup-key-wrap'
  | 'backup-signing'
  | 'backup-canary-seal'
  | 'oidc-state-seal'
  | 'mail-outbox-seal'
  | 'config-digest'
  | 'list-cursor'
  | `secret-kek/${string}`;

/** The 32-byte key for `purpose`, derived from the 32-byte master key. */
export function deriveKey(masterKey: Secret<Buffer>, purpose: KeyPurpose): Secret<Buffer> {
  const master = masterKey.reveal();
  if (master.length !== 32) throw new RangeError('the master key must be 32 bytes');
  // RFC 5869 §3.1: no salt is acceptable when the input key is already uniformly random.
  return secret(Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `rampart/v1/${purpose}`, 32)));
}

/** Whether two keys are the same, compared in constant time (different lengths: not the same). */
export function sameKey(a: Secret<Buffer>, b: Secret<Buffer>): boolean {
  const left = a.reveal();
  const right = b.reveal();
  return left.length === right.length && timingSafeEqual(left, right);
}
