/**
 * Where secrets and their keys are stored. The built-in backend is the SQL database
 * (`secrets/adapters/sql-secret-backend.ts`); an external store (Vault KV, a cloud secret manager)
 * implements the same port. A backend stores ciphertext and wrapped keys only: sealing and
 * opening happen in the secret service, with keys the backend never sees in clear.
 *
 * Methods taking a `TenantScope` reach that org's rows only. The methods without one are key
 * management across orgs (`rampart keys rotate-kek`, `rampart secrets rewrap`), run by the system.
 */
import type { DataKeyRecord, KekRecord, SecretSummary, SecretVersionRecord } from '../domain/secret-record.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';

/** The ciphertext of a new version, sealed once its version number is known (the AAD binds it). */
export interface SealedVersion {
  readonly dataKeyId: string;
  readonly ciphertext: string;
}

/** A data key's new wrapping, for KEK rotation. */
export interface DataKeyRewrap {
  readonly id: string;
  readonly fromKekId: string;
  readonly toKekId: string;
  readonly wrapped: string;
}

/** A version stored under a retired data key, for `rewrap`. */
export interface StaleVersion extends SecretVersionRecord {
  readonly orgId: string;
}

export interface SecretBackend {
  list(scope: TenantScope): Promise<readonly SecretSummary[]>;
  find(scope: TenantScope, name: string): Promise<SecretSummary | undefined>;
  findVersion(scope: TenantScope, name: string, version: number): Promise<SecretVersionRecord | undefined>;
  /**
   * Stores the next version of `name` (1 for a new secret): `seal` is called, synchronously,
   * with that number. Resolves with the version; rejects with a unique violation mapped to
   * `conflict` when a concurrent write took the same number (the caller retries).
   */
  putVersion(scope: TenantScope, name: string, now: number, seal: (version: number) => SealedVersion): Promise<number>;
  /** Destroys every version's ciphertext and the metadata; false when there was no such secret. */
  delete(scope: TenantScope, name: string): Promise<boolean>;
  /** Sets `min_decryption_version` (at most the current version); false when there is no such secret. */
  setMinDecryptionVersion(scope: TenantScope, name: string, min: number, now: number): Promise<boolean>;

  /** The org's active data key, if it has one. */
  activeDataKey(scope: TenantScope): Promise<DataKeyRecord | undefined>;
  findDataKey(scope: TenantScope, id: string): Promise<DataKeyRecord | undefined>;
  /**
   * Makes `key` the org's active data key, retiring `previousId` (if given) in the same
   * transaction. False when another writer won (the previous key is no longer active, or the
   * org already has another active key) or the KEK is no longer active (a rotation began).
   */
  replaceDataKey(scope: TenantScope, previousId: string | undefined, key: DataKeyRecord): Promise<boolean>;
  /**
   * Reserves `count` encryptions under an active data key: the new total, or undefined when the key
   * is no longer active or the total would exceed `max` (time to rotate).
   */
  reserveEncryptions(scope: TenantScope, dataKeyId: string, count: number, max: number): Promise<number | undefined>;

  // Key management across orgs (system).
  keks(): Promise<readonly KekRecord[]>;
  /** Adds KEK `id` as the active one; the previous active KEK becomes `retiring` in the same transaction. */
  addKek(id: string, source: string, now: number): Promise<void>;
  /** Up to `limit` data keys (any org) not wrapped under `kekId`. */
  dataKeysNotUnder(kekId: string, limit: number): Promise<readonly DataKeyRecord[]>;
  /**
   * Replaces the wrapping of each data key that is still under its `fromKekId` (compare-and-set
   * per key, one transaction per call); the number replaced.
   */
  rewrapDataKeys(rewraps: readonly DataKeyRewrap[]): Promise<number>;
  /** How many data keys each KEK wraps. */
  dataKeyCounts(): Promise<Readonly<Record<string, number>>>;
  /** Marks a `retiring` KEK `retired` if no data key refers to it; true when it did. */
  retireKek(id: string, now: number): Promise<boolean>;
  /** The data key `id` of `orgId`, for system work (rewrap). */
  dataKeyOfOrg(orgId: string, id: string): Promise<DataKeyRecord | undefined>;
  /** {@link SecretBackend.activeDataKey} for system work on `orgId` (rewrap). */
  activeDataKeyOfOrg(orgId: string): Promise<DataKeyRecord | undefined>;
  /** {@link SecretBackend.replaceDataKey} for system work on `orgId`. */
  replaceDataKeyOfOrg(orgId: string, previousId: string | undefined, key: DataKeyRecord): Promise<boolean>;
  /** {@link SecretBackend.reserveEncryptions} for system work on `orgId`. */
  reserveEncryptionsOfOrg(orgId: string, dataKeyId: string, count: number, max: number): Promise<number | undefined>;
  /** {@link SecretBackend.setMinDecryptionVersion} by the operator (`rampart secrets min-version`). */
  setMinDecryptionVersionOfOrg(orgId: string, name: string, min: number, now: number): Promise<boolean>;
  /** Up to `limit` versions (any org) stored under a data key that is no longer active. */
  staleVersions(limit: number): Promise<readonly StaleVersion[]>;
  /** Replaces a version's ciphertext if it is still under `fromDataKeyId` (compare-and-set). */
  replaceVersion(version: StaleVersion, sealed: SealedVersion): Promise<boolean>;
  /** Deletes retired data keys that no version refers to (their values are gone or rewrapped); the count. */
  deleteUnusedDataKeys(): Promise<number>;
  /** The orgs that have an active data key (data-key rotation of every org). */
  orgsWithActiveDataKeys(): Promise<readonly string[]>;
  /** Retires `orgId`'s active data key (system: rotate every org's data key). */
  retireActiveDataKeyOfOrg(orgId: string): Promise<boolean>;
}
