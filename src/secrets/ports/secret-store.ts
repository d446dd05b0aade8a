/**
 * The versions of an org's secrets: ciphertext and metadata, reached through the org's scope. This
 * is the port an external store (Vault KV, a cloud secret manager) could implement — its model is
 * Vault KV's: numbered versions, `min_decryption_version`, delete destroys every version. What that
 * would still need is said in `secrets/ports/secret-backend.ts`.
 *
 * A store holds ciphertext only: sealing and opening happen in the secret service, under data keys
 * the store never sees in clear. Every method reaches the rows of its scope's org and no other:
 * another org's secret is answered as if it did not exist (undefined, false, an empty list).
 */
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import type { SecretSummary, SecretVersionRecord } from '../domain/secret-record.js';
import type { SystemScope } from '../domain/system-scope.js';

/** The ciphertext of a new version, sealed once its version number is known (the AAD binds it). */
export interface SealedVersion {
  readonly dataKeyId: string;
  readonly ciphertext: string;
}

export interface SecretStore {
  /** The org's secrets by name: metadata only, never a value. */
  list(scope: TenantScope): Promise<readonly SecretSummary[]>;
  find(scope: TenantScope | SystemScope, name: string): Promise<SecretSummary | undefined>;
  findVersion(scope: TenantScope | SystemScope, name: string, version: number): Promise<SecretVersionRecord | undefined>;
  /**
   * Stores the next version of `name` (1 for a new secret): `seal` is called, synchronously and
   * inside the write, with that number. Resolves with the version. Rejects with `conflict` (a
   * `DomainError`; the caller retries with a fresh reservation) when a concurrent write took the
   * same number — versions are never skipped nor overwritten — or when the data key `seal` named
   * is not, or no longer, one of the org's (a concurrent rewrap deleted it). The SQL store checks
   * that key in the same transaction, `FOR SHARE` on PostgreSQL, so the deletion waits for it.
   */
  putVersion(scope: TenantScope, name: string, now: number, seal: (version: number) => SealedVersion): Promise<number>;
  /** Destroys every version's ciphertext and the metadata; false when there was no such secret. */
  delete(scope: TenantScope, name: string): Promise<boolean>;
  /**
   * Sets `min_decryption_version` to `min` (at most the current version; `now` becomes `updatedAt`).
   * False when there is no such secret or it has fewer versions. A request acts in its tenant
   * scope; the operator (`rampart secrets min-version`) in a system scope on the org.
   */
  setMinDecryptionVersion(scope: TenantScope | SystemScope, name: string, min: number, now: number): Promise<boolean>;
}
