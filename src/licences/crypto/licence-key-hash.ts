/**
 * What the server keeps of a licence key: the SHA-256 of its 80 bytes (licence-key-text.ts),
 * domain-separated, never the key; and the comparison of a presented key's hash with the stored
 * one in constant time. New licence and activation ids are 128 random bits.
 */
import { timingSafeEqual } from 'node:crypto';
import { sha256 } from '../../kernel/crypto/digest.js';
import { randomKey } from '../../kernel/crypto/random.js';

/** Hex SHA-256 of `rampart licence key\n` ‖ the key's bytes. */
export function hashLicenceKey(keyBytes: Uint8Array): string {
  return sha256('rampart licence key\n', keyBytes).toString('hex');
}

/** Whether `keyBytes` is the key whose hash is `storedHash`, compared in constant time. */
export function licenceKeyMatches(keyBytes: Uint8Array, storedHash: string): boolean {
  const presented = Buffer.from(hashLicenceKey(keyBytes), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}

/** `lic_` and 32 hex digits. */
export function newLicenceId(): string {
  return `lic_${randomKey(16).toString('hex')}`;
}

/** `act_` and 32 hex digits. */
export function newActivationId(): string {
  return `act_${randomKey(16).toString('hex')}`;
}
