/**
 * AES-256-GCM sealing of small secrets at rest (the audit log's signing key) under a
 * key-encryption key that never lives in the database. A fresh 96-bit nonce per seal
 * (NIST SP 800-38D §8.2.2, random construction; a KEK seals few values), and associated data
 * that binds the ciphertext to what it is, so a sealed value moved to another row fails to open.
 * Format: `v1.` + base64(nonce ‖ ciphertext ‖ 16-byte tag).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const PREFIX = 'v1.';
const NONCE_SIZE = 12;
const TAG_SIZE = 16;
const KEY_SIZE = 32;

function checkKey(key: Uint8Array): void {
  if (key.length !== KEY_SIZE) throw new RangeError('an AES-256-GCM key is 32 bytes');
}

/** Seals `plaintext` under `key`, bound to `aad`. */
export function sealAesGcm(key: Uint8Array, plaintext: Uint8Array, aad: string): string {
  checkKey(key);
  const nonce = randomBytes(NONCE_SIZE);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_SIZE });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return PREFIX + Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64');
}

/** Opens a value of {@link sealAesGcm}; undefined when it is malformed, or the key or `aad` is not the one it was sealed with. */
export function openAesGcm(key: Uint8Array, sealed: string, aad: string): Buffer | undefined {
  checkKey(key);
  if (!sealed.startsWith(PREFIX)) return undefined;
  const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
  if (raw.length < NONCE_SIZE + TAG_SIZE) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, NONCE_SIZE), { authTagLength: TAG_SIZE });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_SIZE));
    return Buffer.concat([decipher.update(raw.subarray(NONCE_SIZE, raw.length - TAG_SIZE)), decipher.final()]);
  } catch {
    return undefined;
  }
}
