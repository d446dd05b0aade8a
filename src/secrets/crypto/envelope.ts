/**
 * Envelope encryption of secret values (issue 7): AES-256-GCM under a per-org data key, the data key
 * itself wrapped by a key-encryption key (KEK) that never lives in the database.
 *
 * - Nonces are 96 bits from `crypto.randomBytes` (NIST SP 800-38D §8.2.2, random construction). With
 *   random nonces a key may seal at most 2^32 values (§8.3); a data key is rotated after
 *   {@link DATA_KEY_MAX_ENCRYPTIONS} = 2^30, a quarter of the limit (collision probability below
 *   2^-37), counted in the database by reserved blocks.
 * - The associated data binds org, secret name, version and data key id, so a ciphertext copied to
 *   another org, name or version, or re-labelled with another key id, fails authentication.
 * - A stored value names its format and key: `rampart:v1:<data key id>:<base64url(nonce ‖ ciphertext ‖ tag)>`,
 *   as Vault transit (`vault:v1:`) and Tink (key-id prefix) do, so the key that opens it is found
 *   without trying others — a value that fails is never retried with another key.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SecretIntegrityError } from '../domain/secret-integrity.js';

export const ENVELOPE_PREFIX = 'rampart:v1:';
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
export const KEY_BYTES = 32;
/** Encryptions per data key before it is replaced (NIST SP 800-38D §8.3 allows 2^32 with random nonces). */
export const DATA_KEY_MAX_ENCRYPTIONS = 2 ** 30;

const DATA_KEY_ID = /^dk_[A-Za-z0-9_-]{1,64}$/;

/** What a ciphertext is bound to. */
export interface SecretBinding {
  readonly orgId: string;
  readonly name: string;
  readonly version: number;
}

function checkKey(key: Uint8Array): void {
  if (key.length !== KEY_BYTES) throw new RangeError('an AES-256-GCM key is 32 bytes');
}

/** AES-256-GCM with an explicit nonce: `ciphertext ‖ tag`. Exposed for the test vectors. */
export function gcmEncrypt(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Buffer {
  checkKey(key);
  if (nonce.length !== NONCE_BYTES) throw new RangeError('the nonce is 96 bits');
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** Opens `ciphertext ‖ tag` of {@link gcmEncrypt}; throws {@link SecretIntegrityError} when it fails authentication. */
export function gcmDecrypt(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Buffer {
  checkKey(key);
  if (nonce.length !== NONCE_BYTES || sealed.length < TAG_BYTES) throw new SecretIntegrityError('malformed ciphertext');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new SecretIntegrityError('ciphertext failed authentication');
  }
}

/** The associated data of a secret value (NUL-separated: no field can contain NUL). */
export function secretAad(binding: SecretBinding, dataKeyId: string): Buffer {
  return Buffer.from(`rampart/v1/secret\0${binding.orgId}\0${binding.name}\0${binding.version}\0${dataKeyId}`, 'utf8');
}

/** The associated data of a wrapped data key: a wrapped key copied to another org fails to unwrap. */
export function dataKeyAad(orgId: string, dataKeyId: string): Buffer {
  return Buffer.from(`rampart/v1/data-key\0${orgId}\0${dataKeyId}`, 'utf8');
}

export function isDataKeyId(value: string): boolean {
  return DATA_KEY_ID.test(value);
}

/** Seals `plaintext` for `binding` under the data key `dataKeyId`. */
export function sealSecret(dataKey: Uint8Array, dataKeyId: string, binding: SecretBinding, plaintext: Uint8Array): string {
  if (!isDataKeyId(dataKeyId)) throw new RangeError('not a data key id');
  const nonce = randomBytes(NONCE_BYTES);
  const body = gcmEncrypt(dataKey, nonce, plaintext, secretAad(binding, dataKeyId));
  return `${ENVELOPE_PREFIX}${dataKeyId}:${Buffer.concat([nonce, body]).toString('base64url')}`;
}

/** The data key id a stored value names; throws {@link SecretIntegrityError} when it is malformed. */
export function envelopeKeyId(stored: string): string {
  if (!stored.startsWith(ENVELOPE_PREFIX)) throw new SecretIntegrityError('unknown ciphertext format');
  const rest = stored.slice(ENVELOPE_PREFIX.length);
  const colon = rest.indexOf(':');
  const keyId = colon < 0 ? '' : rest.slice(0, colon);
  if (!isDataKeyId(keyId)) throw new SecretIntegrityError('malformed ciphertext key id');
  return keyId;
}

/** Opens a value of {@link sealSecret}; throws {@link SecretIntegrityError} on any mismatch. */
export function openSecret(dataKey: Uint8Array, binding: SecretBinding, stored: string): Buffer {
  const keyId = envelopeKeyId(stored);
  const encoded = stored.slice(ENVELOPE_PREFIX.length + keyId.length + 1);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) throw new SecretIntegrityError('malformed ciphertext body');
  const raw = Buffer.from(encoded, 'base64url');
  if (raw.length < NONCE_BYTES + TAG_BYTES) throw new SecretIntegrityError('truncated ciphertext');
  return gcmDecrypt(dataKey, raw.subarray(0, NONCE_BYTES), raw.subarray(NONCE_BYTES), secretAad(binding, keyId));
}
