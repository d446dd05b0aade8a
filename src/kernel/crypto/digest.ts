/**
 * SHA-256 (FIPS 180-4) of text or bytes, for fingerprints and keys of lookups that must not hold
 * the value itself. Several parts are hashed as one message, in order, with nothing between them.
 */
import { createHash } from 'node:crypto';

export function sha256(...parts: readonly (string | Uint8Array)[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}
