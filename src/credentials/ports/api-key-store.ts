/** Where API keys live: their SHA-256 and metadata, never the key itself. */
import type { ApiKey } from '../domain/api-key.js';

/** A key to store. */
export interface NewApiKey {
  readonly id: string;
  readonly ownerId: string;
  readonly orgId: string | null;
  readonly name: string;
  readonly prefix: string;
  /** SHA-256 hex of the key. */
  readonly keyHash: string;
  readonly scopes: readonly string[];
  readonly now: number;
  readonly expiresAt: number | null;
}

/** A key found by its hash, with its owner's account status (null when the owner is gone). */
export interface ApiKeyMatch {
  readonly key: ApiKey;
  readonly ownerStatus: string | null;
}

/**
 * Guarantees (test/contract/api-key-store.contract.ts checks each, on every adapter and backend,
 * with several instances racing; test/integration/api-keys.test.ts and
 * test/security/api-key-attacks.test.ts check them through the server):
 * - `findByHash` finds a key by the SHA-256 of its secret, revoked or expired keys included (the
 *   caller decides), together with its owner's status;
 * - `findByPrefix` matches the display prefix exactly, across owners;
 * - `rotate` is atomic: the successor is inserted and the old key's `expires_at` lowered to the end
 *   of the grace period (and `revoked_at` set when the grace is 0) in one transaction, and only
 *   while the old key is live — of two concurrent rotations, exactly one wins;
 * - `revoke` sets `revoked_at` once (a second call changes nothing and resolves false);
 * - `touch` writes `last_used_at` only when the stored value is older than `notAfter` (a guarded
 *   statement, so N instances write at most once per interval between them);
 * - every call is scoped to the owner where it takes one: another user's key is "not found". The
 *   port takes no TenantScope: a key belongs to a user, and its org is data the authorizer reads.
 */
export interface ApiKeyStore {
  create(key: NewApiKey): Promise<void>;
  findByHash(keyHash: string): Promise<ApiKeyMatch | undefined>;
  /**
   * A key of any owner whose display prefix equals `prefix` exactly, revoked or expired keys
   * included — the first in id order when prefixes collide. Only for the audit of a failed use:
   * a prefix names a key, it never authenticates one.
   */
  findByPrefix(prefix: string): Promise<ApiKey | undefined>;
  /** The owner's key, or undefined (another user's key is not found). */
  findOwned(ownerId: string, id: string): Promise<ApiKey | undefined>;
  /** The owner's keys in id order after `afterId`, at most `limit`. */
  listOwned(ownerId: string, afterId: string | undefined, limit: number): Promise<readonly ApiKey[]>;
  /**
   * Replaces the live key `oldId` of `ownerId` by `successor`; the old key stops at `oldUntil`
   * (or at its own expiry, if earlier) and names its successor. Live: not revoked, not rotated
   * already, and not expired at `successor.now`. Resolves false (changing nothing) when the old
   * key is not the owner's or no longer live.
   */
  rotate(ownerId: string, oldId: string, successor: NewApiKey, oldUntil: number): Promise<boolean>;
  /**
   * Revokes the owner's key unless it is revoked already (a rotated key in its grace, or an
   * expired one, is revoked too); true when this call revoked it.
   */
  revoke(ownerId: string, id: string, now: number): Promise<boolean>;
  touch(id: string, now: number, notAfter: number): Promise<void>;
}
