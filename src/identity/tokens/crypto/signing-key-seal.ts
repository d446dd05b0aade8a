/**
 * A signing key's private JWK at rest: AES-256-GCM under the master-key-derived `signing-key-wrap`
 * key, with the kid as AAD, in the format `v1.<iv>.<ciphertext>.<tag>` (base64url parts).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DomainError } from '../../../kernel/domain/errors.js';
import type { Jwk } from '../domain/signing-key.js';

const FORMAT = 'v1';
const IV_BYTES = 12; // NIST SP 800-38D §8.2: 96-bit IVs, random per encryption

/** `v1.<iv>.<ciphertext>.<tag>`, base64url, AES-256-GCM with AAD = the kid. */
export function sealSigningKey(key: Buffer, kid: string, jwk: Jwk): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  // The AAD binds the ciphertext to its row: a private key copied under another kid fails to open.
  cipher.setAAD(Buffer.from(kid, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(jwk), 'utf8'), cipher.final()]);
  return [FORMAT, iv, body, cipher.getAuthTag()].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
}

export function openSigningKey(key: Buffer, kid: string, sealed: string): Jwk {
  const [format, iv, body, tag, extra] = sealed.split('.');
  if (format !== FORMAT || iv === undefined || body === undefined || tag === undefined || extra !== undefined) {
    throw new DomainError('secret_integrity_failed', `signing key ${kid}: the stored private key is not in the expected format`);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(kid, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const clear = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
    return Object.freeze(JSON.parse(clear.toString('utf8')) as Jwk);
  } catch (cause) {
    throw new DomainError('secret_integrity_failed', `signing key ${kid}: the stored private key failed its integrity check`, { cause });
  }
}
