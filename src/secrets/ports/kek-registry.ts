/**
 * Which key-encryption keys exist and which data keys each wraps: the ledger of KEK rotation
 * (`rampart keys rotate-kek`, `secrets/services/kek-rotation.ts`). The KEKs' material lives in
 * their source (`secrets/ports/kek.ts`); the registry holds ids, sources and states only. All of
 * it is system work across orgs.
 *
 * Guarantees:
 * - **One active KEK.** {@link KekRegistry.addKek} makes the new KEK active and the previous
 *   active one `retiring` in one transaction. A data key being created under the previous KEK
 *   either commits first (and a scan that starts afterwards sees it) or fails its check
 *   (`DataKeyStore.replace` reads the KEK `FOR SHARE` on PostgreSQL; SQLite serialises).
 * - **Rewraps are compare-and-set per data key**: {@link KekRegistry.rewrapDataKeys} skips a key
 *   whose KEK is no longer the rewrap's `fromKekId`, so a crash, or two rotations, leave every key
 *   wrapped under one KEK or the other, never lost.
 * - **A KEK is retired only when nothing needs it**: {@link KekRegistry.retireKek} refuses while a
 *   data key refers to it.
 */
import type { DataKeyRecord, KekRecord } from '../domain/secret-record.js';

/** A data key's new wrapping, for KEK rotation. */
export interface DataKeyRewrap {
  readonly id: string;
  readonly fromKekId: string;
  readonly toKekId: string;
  readonly wrapped: string;
}

export interface KekRegistry {
  /** Every KEK, oldest first. */
  keks(): Promise<readonly KekRecord[]>;
  /** Adds KEK `id` as the active one; the previous active KEK becomes `retiring` in the same transaction. */
  addKek(id: string, source: string, now: number): Promise<void>;
  /** Up to `limit` data keys (any org) not wrapped under `kekId`, by id. */
  dataKeysNotUnder(kekId: string, limit: number): Promise<readonly DataKeyRecord[]>;
  /**
   * Replaces the wrapping of each data key that is still under its `fromKekId` (compare-and-set
   * per key, one transaction per call); the number replaced. A key whose KEK changed meanwhile is
   * skipped and keeps its wrapping.
   */
  rewrapDataKeys(rewraps: readonly DataKeyRewrap[]): Promise<number>;
  /** How many data keys (any org, any state) each KEK wraps. */
  dataKeyCounts(): Promise<Readonly<Record<string, number>>>;
  /**
   * Marks a `retiring` KEK `retired` if no data key refers to it; true when it did. False, with
   * nothing changed, while a data key still refers to it, or when it is not `retiring`.
   */
  retireKek(id: string, now: number): Promise<boolean>;
}
