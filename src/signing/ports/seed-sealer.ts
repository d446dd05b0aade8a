/**
 * Where a signing key's private seed is sealed: by a key-encryption key of the secrets capability
 * (derived from the master key, or an AES key inside a PKCS#11 token, where the wrapping then
 * happens). Only wrapped seeds reach the database.
 */
import type { Secret } from '../../kernel/domain/secret.js';

export interface SeedSealer {
  /** The KEK new seeds are wrapped under: the active one (created when the deployment has none yet). */
  activeKek(): Promise<string>;
  wrap(kekId: string, seed: Secret<Buffer>, aad: Uint8Array): Promise<string>;
  /** Rejects when `wrapped` fails authentication (a seed moved to another key's row, a changed byte). */
  unwrap(kekId: string, wrapped: string, aad: Uint8Array): Promise<Secret<Buffer>>;
}
