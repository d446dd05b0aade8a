/**
 * The orgs' data keys, wrapped under a KEK (their clear bytes never reach the store), and the
 * data-key work that spans orgs: retiring active keys, moving versions off retired keys (`rampart
 * secrets rotate-data-keys`, `rewrap`) and deleting the keys nothing needs any more.
 *
 * Guarantees:
 * - **One active data key per org.** {@link DataKeyStore.replace} is a compare-and-set on the
 *   org's active key: of concurrent replacements of the same key (or first keys of an org), on
 *   any number of instances, exactly one returns true; the others return false and store nothing.
 * - **A data key is created only under the KEK that is active at that moment** (the SQL store
 *   reads the KEK row `FOR SHARE` on PostgreSQL in the creating transaction, so
 *   `KekRegistry.addKek` waits for it and a rotation's scan that starts afterwards sees the key).
 * - **Encryptions are reserved, never counted past the bound**: {@link DataKeyStore.reserve} is
 *   one conditional update.
 * - **Scopes**: a `TenantScope` reaches its org's keys only — another org's key is answered as
 *   absent (undefined, false). A `SystemScope` reaches the one org it names, for system work.
 *   The methods without a scope are system work across orgs.
 *
 * The rewrap methods read and write the versions too (`staleVersions`, `replaceVersion`,
 * `deleteUnused`): in the SQL store they share its database with the `SecretStore`.
 */
import type { DataKeyRecord, SecretVersionRecord } from '../domain/secret-record.js';
import type { KeyScope, SystemScope } from '../domain/system-scope.js';
import type { SealedVersion } from './secret-store.js';

/** A version stored under a data key that is no longer active, for `rewrap`. */
export interface StaleVersion extends SecretVersionRecord {
  readonly orgId: string;
}

export interface DataKeyStore {
  /** The scope's org's active data key, if it has one. */
  active(scope: KeyScope): Promise<DataKeyRecord | undefined>;
  /** The data key `id` if it is the scope's org's (active or retired). */
  find(scope: KeyScope, id: string): Promise<DataKeyRecord | undefined>;
  /**
   * Reserves `count` encryptions under the org's data key `id`: the new total. Undefined — and
   * nothing reserved — when the key is not the org's, is no longer active, or the total would
   * exceed `max` (time to replace it). Concurrent reservations never add up past `max`.
   */
  reserve(scope: KeyScope, id: string, count: number, max: number): Promise<number | undefined>;
  /**
   * Makes `key` (a key of the scope's org, else a `RangeError`) the org's active data key,
   * retiring `previousId` (if given) in the same transaction. False, with nothing changed, when
   * another writer won (`previousId` is no longer active, or the org already has another active
   * key) or `key.kekId` is no longer the active KEK (a rotation began): the caller reads the
   * active key again.
   */
  replace(scope: KeyScope, previousId: string | undefined, key: DataKeyRecord): Promise<boolean>;
  /** Retires the org's active data key (its next write creates a new one); false when it had none. */
  retireActive(scope: SystemScope): Promise<boolean>;
  /** The orgs that have an active data key, by id (data-key rotation of every org). */
  orgsWithActive(): Promise<readonly string[]>;
  /** Up to `limit` versions (any org) stored under a data key that is no longer active, by org, name, version. */
  staleVersions(limit: number): Promise<readonly StaleVersion[]>;
  /**
   * Replaces a version's ciphertext if it is still under `version.dataKeyId` (compare-and-set): a
   * crash leaves it either before or after. False when it changed meanwhile (a newer rewrap, a delete).
   */
  replaceVersion(version: StaleVersion, sealed: SealedVersion): Promise<boolean>;
  /**
   * Deletes the retired data keys that no version refers to (their values are gone or rewrapped);
   * the count. Never an active key, never a key a version still needs.
   */
  deleteUnused(): Promise<number>;
}
