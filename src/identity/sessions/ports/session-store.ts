/**
 * Where sessions and their refresh tokens live. Refresh tokens are stored as SHA-256 hashes only;
 * rotation and revocation are decided here, atomically, never read-then-write in a service.
 */
import type { RevokedSession } from '../domain/revocation-set.js';
import type { RefreshTokenRecord, Session, SessionRevokeReason } from '../domain/session.js';

/** A session to open with its first refresh token. */
export interface NewSession {
  readonly id: string;
  readonly userId: string;
  readonly deviceName: string | null;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly now: number;
  readonly expiresAt: number;
  /** SHA-256 hex of the first refresh token; null for a browser (cookie) session, which has none. */
  readonly refreshTokenHash: string | null;
  /** SHA-256 hex of a browser session's cookie secret (docs/decisions/007-browser-sessions.md). */
  readonly cookieSecretHash?: string | null;
  /** RFC 7638 thumbprint of the DPoP key the session's refresh tokens are bound to (RFC 9449). */
  readonly dpopJkt?: string | null;
  /**
   * The end no refresh moves (ms; migration 0029): a token session's `expiresAt` slides with each
   * refresh but never past it. `expiresAt` when absent (a cookie session's expiry is absolute).
   */
  readonly absoluteExpiresAt?: number;
}

/** A session as stored, with what binds it: the cookie secret's hash and the DPoP thumbprint. */
export interface StoredSession extends Session {
  readonly cookieSecretHash: string | null;
  readonly dpopJkt: string | null;
  /**
   * When the user last proved who they are on this session (ms): the login that opened it, or a
   * later step-up (docs/decisions/012-step-up.md). 0 when unknown: never fresh.
   */
  readonly authenticatedAt: number;
  /** The session's absolute end (ms): no refresh extends `expiresAt` past it (migration 0029). */
  readonly absoluteExpiresAt: number;
}

/** What a rotation found. */
export type RotationResult =
  /** This call spent the token and stored its successor. */
  | { readonly outcome: 'rotated'; readonly session: Session }
  /** The token was spent before (by another call): reuse, or a race inside the grace period. */
  | { readonly outcome: 'spent'; readonly token: RefreshTokenRecord }
  /** The token is known but its session is revoked or has expired. */
  | { readonly outcome: 'session_ended'; readonly sessionId: string }
  /** The token has expired. */
  | { readonly outcome: 'expired' }
  /** No such token. */
  | { readonly outcome: 'unknown' };

/**
 * Guarantees (test/contract/session-store.contract.ts checks each, on every adapter):
 * - `rotateRefreshToken` is atomic: of N concurrent rotations of the same token, on any number of
 *   instances, exactly one gets `rotated` (its successor stored in the same transaction); the
 *   others get `spent`. A token is spent only while unspent, unexpired and its session live.
 * - `revoke` is idempotent: only the first call returns `true`; a revoked session stays revoked
 *   and keeps its first `revoked_at`.
 * - `revokedSince(t)` returns every session revoked at or after `t`.
 * - `create` records the session as authenticated at `now`; `replaceCookieSession` keeps the old
 *   row's `authenticatedAt`; `markAuthenticated` is one guarded statement that sets it to `now`
 *   only for a live session of that user.
 * - a failure of the backing store rejects the promise (the caller fails closed).
 */
export interface SessionStore {
  create(session: NewSession): Promise<void>;
  find(id: string): Promise<StoredSession | undefined>;
  findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /** The session a refresh token (spent or not) belongs to, whatever its state. */
  findByRefreshToken(tokenHash: string): Promise<StoredSession | undefined>;
  /**
   * Records activity of a browser session: `last_seen_at = now` when the session is unrevoked,
   * unexpired at `now` and was last seen at or after `idleSince`. `false` when it is not live.
   */
  touch(id: string, now: number, idleSince: number): Promise<boolean>;
  /**
   * Replaces a live browser session by a new id (and cookie secret), in one transaction: the new
   * row keeps the user, device, creation time and absolute expiry; the old one is revoked with
   * `reason`. `undefined` (and nothing changed) when the old session is not live at `now`.
   */
  replaceCookieSession(
    oldId: string,
    replacement: { readonly id: string; readonly cookieSecretHash: string },
    now: number,
    reason: SessionRevokeReason,
  ): Promise<StoredSession | undefined>;
  /** Revokes every live browser (cookie) session of a user; returns the ids this call revoked. */
  revokeCookieSessionsOfUser(userId: string, now: number, reason: SessionRevokeReason): Promise<readonly string[]>;
  /**
   * Spends `oldHash` and stores `newHash` as its successor, expiring at `expiresAt`; the session
   * slides to the same expiry and `last_seen_at = now`. The caller clamps `expiresAt` to the
   * session's `absoluteExpiresAt` (immutable, so the clamp cannot race).
   */
  rotateRefreshToken(oldHash: string, newHash: string, now: number, expiresAt: number): Promise<RotationResult>;
  /**
   * Records that `userId` proved who they are on session `id` at `now` (a step-up): `true` when
   * the session is theirs, unrevoked and unexpired at `now`; otherwise nothing changes.
   */
  markAuthenticated(id: string, userId: string, now: number): Promise<boolean>;
  /** Revokes one session; `true` when this call revoked it. */
  revoke(id: string, now: number, reason: SessionRevokeReason): Promise<boolean>;
  /** Revokes every live session of a user; returns the ids this call revoked. */
  revokeAllOfUser(userId: string, now: number, reason: SessionRevokeReason): Promise<readonly string[]>;
  /**
   * The kill switch (V7.4.5): revokes, in one statement, every session live at `now` — of every
   * user, or with `orgId` of every user who is a member of that org at that moment — except
   * `keep`. Refresh tokens die with their sessions. Returns how many this call revoked.
   */
  revokeEvery(now: number, reason: SessionRevokeReason, scope: { readonly orgId?: string; readonly keep?: string }): Promise<number>;
  /** The user's live (unrevoked, unexpired at `now`) sessions, oldest first. */
  listLive(userId: string, now: number): Promise<readonly Session[]>;
  /**
   * Sessions revoked at or after `since` (ms), to seed a revocation set — including the tombstones
   * of sessions whose rows an erasure removed (docs/decisions/004-user-deletion.md).
   */
  revokedSince(since: number): Promise<readonly RevokedSession[]>;
}
