/**
 * Purpose-bound keys from the master key (RFC 5869 HKDF-SHA-256): each use of the master key gets
 * its own 32-byte key, so a key used to wrap signing keys is never also an HMAC key.
 */
import { hkdfSync } from 'node:crypto';
import { secret, type Secret } from '../domain/secret.js';

/** Purposes in use; one `info` string each (RFC 5869 §3.2: `info` binds the key to its use). */
export type KeyPurpose = 'signing-key-wrap' | 'refresh-successor' | 'totp-secret-seal';

/** The 32-byte key for `purpose`, derived from the 32-byte master key. */
export function deriveKey(masterKey: Secret<Buffer>, purpose: KeyPurpose): Secret<Buffer> {
  const master = masterKey.reveal();
  if (master.length !== 32) throw new RangeError('the master key must be 32 bytes');
  // RFC 5869 §3.1: no salt is acceptable when the input key is already uniformly random.
  return secret(Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `rampart/v1/${purpose}`, 32)));
}
