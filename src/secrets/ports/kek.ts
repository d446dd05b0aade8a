/**
 * A source of key-encryption keys (KEKs): the master key (a KEK derived per id) or a PKCS#11 token
 * (an AES key generated in, and never leaving, the token). Wrapping and unwrapping happen where the
 * KEK lives; only wrapped data keys reach the database.
 */
import type { Secret } from '../../kernel/domain/secret.js';

export interface KekProvider {
  /** `master-key` or `pkcs11`: recorded with each KEK, reported by `rampart doctor`. */
  readonly source: string;
  /** Creates the material of KEK `kekId` if it does not exist yet (idempotent: a resumed rotation calls it again). */
  create(kekId: string): Promise<void>;
  /** Whether the material of `kekId` is present. */
  has(kekId: string): Promise<boolean>;
  /** Wraps `key` under `kekId`, bound to `aad`. */
  wrap(kekId: string, key: Secret<Buffer>, aad: Uint8Array): Promise<string>;
  /** Unwraps; rejects with a `SecretIntegrityError` (secrets/domain/secret-integrity.ts) when `wrapped` fails authentication. */
  unwrap(kekId: string, wrapped: string, aad: Uint8Array): Promise<Secret<Buffer>>;
  /** Destroys the material of a retired KEK (a no-op for a derived one). */
  destroy(kekId: string): Promise<void>;
  /** Facts for `rampart doctor` (never key material or a PIN). */
  describe(): Readonly<Record<string, string>>;
  close(): Promise<void>;
}
