/**
 * API keys (test/fixtures/spec-api-v1.md, "API keys"). The rules this file holds, pure:
 * 1. a key belongs to the user who created it (its owner) and may be confined to one org;
 * 2. its scopes are permission names; the org-scoped ones need the org, platform ones do not;
 * 3. a key is usable until it is revoked or expires — a rotated key expires at the end of its
 *    grace period (0 s by default, at most 24 h);
 * 4. `last_used_at` is written at most once a minute per key, not once per request.
 */

/** A stored key, without its secret (only SHA-256 of it is ever kept). */
export interface ApiKey {
  /** `key_…` */
  readonly id: string;
  /** The creator (`usr_…`), whose current permissions bound the key at every use. */
  readonly ownerId: string;
  /** `org_…` the key is confined to, or null (platform scopes only). */
  readonly orgId: string | null;
  readonly name: string;
  /** `rk_` and the key's first characters, for people to tell keys apart. */
  readonly prefix: string;
  readonly scopes: readonly string[];
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly lastUsedAt: number | null;
  readonly revokedAt: number | null;
  readonly replacedBy: string | null;
}

/** RFC-free product rule: a rotated key lives on at most a day. */
export const MAX_ROTATION_GRACE_SECONDS = 86_400;

/** How often `last_used_at` is written for one key, at most. */
export const LAST_USED_WRITE_INTERVAL_MS = 60_000;

/** Why a key is not usable now, or `undefined` when it is. */
export function apiKeyUnusableReason(key: Pick<ApiKey, 'expiresAt' | 'revokedAt'>, now: number): 'revoked' | 'expired' | undefined {
  if (key.revokedAt !== null && key.revokedAt <= now) return 'revoked';
  if (key.expiresAt !== null && key.expiresAt <= now) return 'expired';
  return undefined;
}

/** Whether `last_used_at` should be written now, given when it was last written. */
export function lastUsedIsDue(lastWritten: number | null, now: number): boolean {
  return lastWritten === null || now - lastWritten >= LAST_USED_WRITE_INTERVAL_MS;
}
