/**
 * The reference {@link SessionStore}: one process, no persistence; the executable specification
 * the SQL adapter is tested against (test/contract/session-store.contract.ts). Each method does its
 * work synchronously, so a rotation is atomic within the process.
 */
import type { RevokedSession } from '../domain/revocation-set.js';
import type { RefreshTokenRecord, Session, SessionRevokeReason } from '../domain/session.js';
import type { NewSession, RotationResult, SessionStore, StoredSession } from '../ports/session-store.js';

export class MemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, StoredSession>();
  readonly #tokens = new Map<string, RefreshTokenRecord>();
  readonly #membersOf: (orgId: string) => readonly string[];

  /** `membersOf`: the user ids of an org's members, for the kill switch of one org (none by default). */
  constructor(membersOf: (orgId: string) => readonly string[] = () => []) {
    this.#membersOf = membersOf;
  }

  create(session: NewSession): Promise<void> {
    this.#sessions.set(
      session.id,
      Object.freeze({
        id: session.id,
        userId: session.userId,
        deviceName: session.deviceName,
        ip: session.ip,
        userAgent: session.userAgent,
        createdAt: session.now,
        lastSeenAt: session.now,
        expiresAt: session.expiresAt,
        revokedAt: null,
        revokeReason: null,
        cookieSecretHash: session.cookieSecretHash ?? null,
        dpopJkt: session.dpopJkt ?? null,
        authenticatedAt: session.now,
        absoluteExpiresAt: session.absoluteExpiresAt ?? session.expiresAt,
      }),
    );
    if (session.refreshTokenHash !== null) this.#addToken(session.refreshTokenHash, session.id, session.now, session.expiresAt);
    return Promise.resolve();
  }

  #addToken(tokenHash: string, sessionId: string, now: number, expiresAt: number): void {
    this.#tokens.set(tokenHash, Object.freeze({ tokenHash, sessionId, createdAt: now, expiresAt, spentAt: null, successorHash: null }));
  }

  find(id: string): Promise<StoredSession | undefined> {
    return Promise.resolve(this.#sessions.get(id));
  }

  findByRefreshToken(tokenHash: string): Promise<StoredSession | undefined> {
    const token = this.#tokens.get(tokenHash);
    return Promise.resolve(token === undefined ? undefined : this.#sessions.get(token.sessionId));
  }

  touch(id: string, now: number, idleSince: number): Promise<boolean> {
    const session = this.#sessions.get(id);
    if (session === undefined || session.revokedAt !== null || session.expiresAt <= now || session.lastSeenAt < idleSince) {
      return Promise.resolve(false);
    }
    this.#sessions.set(id, Object.freeze({ ...session, lastSeenAt: now }));
    return Promise.resolve(true);
  }

  replaceCookieSession(
    oldId: string,
    replacement: { readonly id: string; readonly cookieSecretHash: string },
    now: number,
    reason: SessionRevokeReason,
  ): Promise<StoredSession | undefined> {
    const old = this.#sessions.get(oldId);
    if (old === undefined || old.revokedAt !== null || old.expiresAt <= now || old.cookieSecretHash === null)
      return Promise.resolve(undefined);
    this.#sessions.set(oldId, Object.freeze({ ...old, revokedAt: now, revokeReason: reason }));
    const next = Object.freeze({ ...old, id: replacement.id, lastSeenAt: now, cookieSecretHash: replacement.cookieSecretHash });
    this.#sessions.set(next.id, next);
    return Promise.resolve(next);
  }

  revokeCookieSessionsOfUser(userId: string, now: number, reason: SessionRevokeReason): Promise<readonly string[]> {
    const revoked: string[] = [];
    for (const session of this.#sessions.values()) {
      if (session.userId === userId && session.revokedAt === null && session.cookieSecretHash !== null) {
        this.#sessions.set(session.id, Object.freeze({ ...session, revokedAt: now, revokeReason: reason }));
        revoked.push(session.id);
      }
    }
    return Promise.resolve(revoked);
  }

  findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    return Promise.resolve(this.#tokens.get(tokenHash));
  }

  rotateRefreshToken(oldHash: string, newHash: string, now: number, expiresAt: number): Promise<RotationResult> {
    const token = this.#tokens.get(oldHash);
    if (token === undefined) return Promise.resolve({ outcome: 'unknown' });
    if (token.spentAt !== null) return Promise.resolve({ outcome: 'spent', token });
    if (token.expiresAt <= now) return Promise.resolve({ outcome: 'expired' });
    const session = this.#sessions.get(token.sessionId);
    if (session === undefined || session.revokedAt !== null || session.expiresAt <= now) {
      return Promise.resolve({ outcome: 'session_ended', sessionId: token.sessionId });
    }
    this.#tokens.set(oldHash, Object.freeze({ ...token, spentAt: now, successorHash: newHash }));
    this.#addToken(newHash, session.id, now, expiresAt);
    const updated = Object.freeze({ ...session, lastSeenAt: now, expiresAt });
    this.#sessions.set(session.id, updated);
    return Promise.resolve({ outcome: 'rotated', session: updated });
  }

  markAuthenticated(id: string, userId: string, now: number): Promise<boolean> {
    const session = this.#sessions.get(id);
    if (session === undefined || session.userId !== userId || session.revokedAt !== null || session.expiresAt <= now) {
      return Promise.resolve(false);
    }
    this.#sessions.set(id, Object.freeze({ ...session, authenticatedAt: now }));
    return Promise.resolve(true);
  }

  revoke(id: string, now: number, reason: SessionRevokeReason): Promise<boolean> {
    const session = this.#sessions.get(id);
    if (session === undefined || session.revokedAt !== null) return Promise.resolve(false);
    this.#sessions.set(id, Object.freeze({ ...session, revokedAt: now, revokeReason: reason }));
    return Promise.resolve(true);
  }

  revokeAllOfUser(userId: string, now: number, reason: SessionRevokeReason): Promise<readonly string[]> {
    const revoked: string[] = [];
    for (const session of this.#sessions.values()) {
      if (session.userId === userId && session.revokedAt === null) {
        this.#sessions.set(session.id, Object.freeze({ ...session, revokedAt: now, revokeReason: reason }));
        revoked.push(session.id);
      }
    }
    return Promise.resolve(revoked);
  }

  revokeEvery(now: number, reason: SessionRevokeReason, scope: { readonly orgId?: string; readonly keep?: string }): Promise<number> {
    const members = scope.orgId === undefined ? undefined : new Set(this.#membersOf(scope.orgId));
    let revoked = 0;
    for (const session of this.#sessions.values()) {
      if (session.revokedAt !== null || session.expiresAt <= now || session.id === scope.keep) continue;
      if (members !== undefined && !members.has(session.userId)) continue;
      this.#sessions.set(session.id, Object.freeze({ ...session, revokedAt: now, revokeReason: reason }));
      revoked++;
    }
    return Promise.resolve(revoked);
  }

  listLive(userId: string, now: number): Promise<readonly Session[]> {
    const live = [...this.#sessions.values()]
      .filter((s) => s.userId === userId && s.revokedAt === null && s.expiresAt > now)
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    return Promise.resolve(live);
  }

  revokedSince(since: number): Promise<readonly RevokedSession[]> {
    const found = [...this.#sessions.values()]
      .filter((s) => s.revokedAt !== null && s.revokedAt >= since)
      .map((s) => Object.freeze({ sessionId: s.id, revokedAt: s.revokedAt ?? since }));
    return Promise.resolve(found);
  }
}
