/**
 * The `master-key` KEK source: each KEK id names a 32-byte key derived from the master key with
 * HKDF-SHA-256 (RFC 5869), `info` = `rampart/v1/secret-kek/<kek id>`. The KEK never lives in the
 * database (only its id does); a rotation moves the data keys to a fresh derived key. Changing the
 * master key itself needs the PKCS#11 source or a re-encryption with both keys at hand.
 * Wrapped data keys are AES-256-GCM: base64url(nonce ‖ ciphertext ‖ tag), the AAD binding org and key id.
 */
import { randomBytes } from 'node:crypto';
import { deriveKey } from '../../kernel/crypto/derive-key.js';
import { SecretIntegrityError } from '../domain/secret-integrity.js';
import { secret, type Secret } from '../../kernel/domain/secret.js';
import { gcmDecrypt, gcmEncrypt, NONCE_BYTES, TAG_BYTES } from './envelope.js';

const KEK_ID = /^kek_[A-Za-z0-9_-]{1,64}$/;

export function isKekId(value: string): boolean {
  return KEK_ID.test(value);
}

/** Wraps `key` with AES-256-GCM under `kek`, bound to `aad`. */
export function wrapWithKey(kek: Uint8Array, key: Uint8Array, aad: Uint8Array): string {
  const nonce = randomBytes(NONCE_BYTES);
  return Buffer.concat([nonce, gcmEncrypt(kek, nonce, key, aad)]).toString('base64url');
}

/** Unwraps a value of {@link wrapWithKey}; a `SecretIntegrityError` when it fails authentication. */
export function unwrapWithKey(kek: Uint8Array, wrapped: string, aad: Uint8Array): Buffer {
  if (!/^[A-Za-z0-9_-]+$/.test(wrapped)) throw new SecretIntegrityError('malformed wrapped key');
  const raw = Buffer.from(wrapped, 'base64url');
  if (raw.length !== NONCE_BYTES + 32 + TAG_BYTES) throw new SecretIntegrityError('malformed wrapped key');
  return gcmDecrypt(kek, raw.subarray(0, NONCE_BYTES), raw.subarray(NONCE_BYTES), aad);
}

export class MasterKeyKek {
  readonly source = 'master-key';
  readonly #master: Secret<Buffer>;
  readonly #origin: string;
  readonly #derived = new Map<string, Buffer>();

  /** `origin` says where the master key came from (`environment` or `file`), for `doctor`. */
  constructor(masterKey: Secret<Buffer>, origin: string) {
    if (masterKey.reveal().length !== 32) throw new RangeError('the master key must be 32 bytes');
    this.#master = masterKey;
    this.#origin = origin;
  }

  #key(kekId: string): Buffer {
    if (!isKekId(kekId)) throw new SecretIntegrityError('malformed KEK id');
    let key = this.#derived.get(kekId);
    if (key === undefined) {
      key = deriveKey(this.#master, `secret-kek/${kekId}`).reveal();
      this.#derived.set(kekId, key);
    }
    return key;
  }

  create(kekId: string): Promise<void> {
    this.#key(kekId);
    return Promise.resolve();
  }

  has(kekId: string): Promise<boolean> {
    return Promise.resolve(isKekId(kekId));
  }

  wrap(kekId: string, key: Secret<Buffer>, aad: Uint8Array): Promise<string> {
    try {
      return Promise.resolve(wrapWithKey(this.#key(kekId), key.reveal(), aad));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  unwrap(kekId: string, wrapped: string, aad: Uint8Array): Promise<Secret<Buffer>> {
    try {
      return Promise.resolve(secret(unwrapWithKey(this.#key(kekId), wrapped, aad)));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  destroy(kekId: string): Promise<void> {
    this.#derived.delete(kekId);
    return Promise.resolve();
  }

  describe(): Readonly<Record<string, string>> {
    return { source: 'master-key', master_key: this.#origin };
  }

  close(): Promise<void> {
    for (const key of this.#derived.values()) key.fill(0);
    this.#derived.clear();
    return Promise.resolve();
  }
}
