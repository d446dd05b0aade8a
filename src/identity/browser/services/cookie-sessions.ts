/**
 * Browser sessions (test/fixtures/spec-api-v1.md, "Authentication"; docs/decisions/007-browser-sessions.md).
 * Rules:
 * 1. a cookie login opens a new session with a new id and a new 256-bit secret; only SHA-256 of the
 *    secret is stored; a session cookie the browser already held is revoked (fixation: the id
 *    before login is never the id after, and is dead afterwards);
 * 2. a session ends RAMPART_SESSION_IDLE_TIMEOUT after its last request and
 *    RAMPART_SESSION_ABSOLUTE_TIMEOUT after it was opened, whichever comes first;
 * 3. a privilege change replaces the session by a new id (`rotate`) — the caller's own (password,
 *    MFA enrolment or removal) with a new cookie on the answer; another user's (a role change)
 *    by revoking their browser sessions, since no cookie can be handed to them;
 * 4. checking a session costs no database read per request: verified sessions are cached in
 *    memory, revocations arrive through the revocation set (the bus), and `last_seen_at` is
 *    written at most once per {@link touchIntervalMs} (which re-validates against the store).
 */
import { cookieSecretMatches, hashCookieSecret, newCookieSecret, readSessionCookie, sessionCookieValue } from '../crypto/session-cookie.js';
import { csrfTokenOf } from '../crypto/session-cookie.js';
import { newId } from '../../../kernel/crypto/random-id.js';
import type { AuthenticationResult } from '../../../kernel/domain/principal.js';
import type { Secret } from '../../../kernel/domain/secret.js';
import type { SessionRevokeReason } from '../../sessions/domain/session.js';
import { SYSTEM_ORG_SLUG } from '../../../kernel/domain/system-org.js';
import { type User } from '../../accounts/domain/user.js';
import type { AuditAction } from '../../../kernel/domain/audit-entry.js';
import type { AuditEvent, AuditLog } from '../../../kernel/ports/audit-log.js';
import { auditedChange } from '../../../kernel/audited-change.js';
import type { Authenticator, CredentialRequest } from '../../../kernel/ports/authenticator.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { SessionStore, StoredSession } from '../../sessions/ports/session-store.js';
import type { RequestContext } from '../../../kernel/domain/request-context.js';
import type { RevocationWatcher } from '../../sessions/services/revocation-watcher.js';
import type { SessionRevoker } from '../../sessions/services/session-revoker.js';
import { newSessionFields } from '../../sessions/services/new-session.js';

/** A browser session just opened or rotated: what the answer hands the browser. */
export interface CookieGrant {
  readonly kind: 'cookie';
  readonly sessionId: string;
  /** The cookie's value, `<id>.<secret>`. */
  readonly cookie: Secret<string>;
  /** The value of the `X-Rampart-CSRF` header for this session. */
  readonly csrfToken: Secret<string>;
  readonly user: User;
}

export interface CookieSessionOptions {
  readonly sessions: SessionStore;
  readonly revocations: Pick<RevocationWatcher, 'isRevoked'>;
  readonly revoker: SessionRevoker;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly idleTimeoutSeconds: number;
  readonly absoluteTimeoutSeconds: number;
  /** How many verified sessions this instance keeps in memory. */
  readonly cacheSize?: number;
}

interface Cached {
  readonly userId: string;
  readonly secretHash: string;
  readonly expiresAt: number;
  /** The last request this instance saw. */
  lastSeenAt: number;
  /** When `last_seen_at` was last written (or read) from the store. */
  persistedAt: number;
}

const MAX_TOUCH_INTERVAL_MS = 60_000;

export class CookieSessions implements Authenticator {
  readonly name = 'cookie';
  readonly #o: CookieSessionOptions;
  readonly #cache = new Map<string, Cached>();
  readonly #idleMs: number;
  readonly #max: number;
  /** `last_seen_at` is written at most this often per session (and instance). */
  readonly touchIntervalMs: number;

  constructor(options: CookieSessionOptions) {
    this.#o = options;
    this.#idleMs = options.idleTimeoutSeconds * 1000;
    this.#max = options.cacheSize ?? 50_000;
    // A quarter of the idle timeout at most, so a restart loses little of a session's idle budget.
    this.touchIntervalMs = Math.min(MAX_TOUCH_INTERVAL_MS, Math.floor(this.#idleMs / 4));
  }

  /**
   * A browser session for `user` (after the password, and the second factor if any), its id and
   * secret drawn but nothing stored until `open`: the login records its entry, which names the
   * id, first (kernel/audited-change.ts).
   */
  prepare(
    user: User,
    deviceName: string | undefined,
    context: RequestContext,
  ): { readonly sessionId: string; open(): Promise<CookieGrant> } {
    const cookieSecret = newCookieSecret();
    const fields = newSessionFields(user.id, deviceName, context, this.#o.clock.now());
    const sessionId = fields.id;
    const open = async (): Promise<CookieGrant> => {
      const now = this.#o.clock.now();
      await this.#o.sessions.create({
        ...fields,
        now,
        expiresAt: now + this.#o.absoluteTimeoutSeconds * 1000,
        refreshTokenHash: null,
        cookieSecretHash: hashCookieSecret(cookieSecret),
      });
      return this.#grant(sessionId, cookieSecret, user);
    };
    return { sessionId, open };
  }

  #grant(sessionId: string, cookieSecret: Secret<string>, user: User): CookieGrant {
    return Object.freeze({
      kind: 'cookie',
      sessionId,
      cookie: sessionCookieValue(sessionId, cookieSecret),
      csrfToken: csrfTokenOf(cookieSecret),
      user,
    });
  }

  /**
   * Revokes the session of a cookie the browser presents at login, when it proves a live session
   * (a planted value that proves nothing changes nothing). Resolves with its id, if revoked.
   */
  async endPresented(cookieHeader: string | undefined, reason: SessionRevokeReason): Promise<string | undefined> {
    const parsed = readSessionCookie(cookieHeader);
    if (typeof parsed === 'string') return undefined;
    const session = await this.#o.sessions.find(parsed.sessionId);
    if (session?.cookieSecretHash === null || session === undefined || !cookieSecretMatches(parsed.secret, session.cookieSecretHash)) {
      return undefined;
    }
    this.#cache.delete(session.id);
    return (await this.#o.revoker.revoke(session.id, reason)) ? session.id : undefined;
  }

  /**
   * Replaces the caller's browser session by a new id and secret (a privilege change): the old id
   * is revoked everywhere. `undefined` when the session is no longer live.
   */
  async rotate(sessionId: string, user: User, reason: SessionRevokeReason = 'privilege_change'): Promise<CookieGrant | undefined> {
    const now = this.#o.clock.now();
    const cookieSecret = newCookieSecret();
    const replacement = { id: newId('ses'), cookieSecretHash: hashCookieSecret(cookieSecret) };
    const next = await this.#o.sessions.replaceCookieSession(sessionId, replacement, now, reason);
    this.#cache.delete(sessionId);
    if (next === undefined) return undefined;
    // The old id is revoked in the store; spread it so every instance drops it at once.
    await this.#o.revoker.revoke(sessionId, reason);
    return this.#grant(next.id, cookieSecret, user);
  }

  /**
   * A privilege change of a user who is not the caller (a role change): their browser sessions
   * cannot be handed a new cookie, so they are revoked — the user signs in again and gets a new id.
   * Their token sessions are untouched (an access token carries no role; authorization reads it).
   */
  async privilegeChanged(userId: string): Promise<readonly string[]> {
    const now = this.#o.clock.now();
    const ids = await this.#o.sessions.revokeCookieSessionsOfUser(userId, now, 'privilege_change');
    for (const id of ids) {
      this.#cache.delete(id);
      await this.#o.revoker.revoke(id, 'privilege_change');
    }
    return ids;
  }

  /** The CSRF token of the session a cookie header proves, or `undefined`. */
  csrfTokenFor(cookieHeader: string | undefined): Secret<string> | undefined {
    const parsed = readSessionCookie(cookieHeader);
    return typeof parsed === 'string' ? undefined : csrfTokenOf(parsed.secret);
  }

  async authenticate(request: CredentialRequest): Promise<AuthenticationResult> {
    // An explicit Authorization header (bearer token, API key) wins over the ambient cookie.
    if (request.authorization !== undefined) return { outcome: 'none' };
    const parsed = readSessionCookie(request.cookie);
    if (parsed === 'absent') return { outcome: 'none' };
    if (parsed === 'invalid') return { outcome: 'rejected', code: 'token_invalid', detail: 'The session cookie is malformed' };
    const id = parsed.sessionId;
    if (this.#o.revocations.isRevoked(id)) {
      this.#cache.delete(id);
      return { outcome: 'rejected', code: 'session_revoked', detail: 'The session has been revoked' };
    }
    const now = this.#o.clock.now();
    let entry = this.#cache.get(id);
    if (entry !== undefined && now - entry.lastSeenAt > this.#idleMs) {
      // Another instance may have seen the session more recently: the store decides.
      this.#cache.delete(id);
      entry = undefined;
    }
    if (entry === undefined) {
      const session = await this.#o.sessions.find(id);
      const refused = this.#refusal(session, now);
      if (refused !== undefined) return refused;
      entry = this.#remember(id, session as StoredSession);
    }
    if (!cookieSecretMatches(parsed.secret, entry.secretHash)) {
      return { outcome: 'rejected', code: 'token_invalid', detail: 'The session cookie is not valid' };
    }
    if (now >= entry.expiresAt) {
      this.#cache.delete(id);
      return { outcome: 'rejected', code: 'token_expired', detail: 'The session has reached its maximum lifetime: sign in again' };
    }
    if (now - entry.lastSeenAt > this.#idleMs) {
      this.#cache.delete(id);
      return { outcome: 'rejected', code: 'token_expired', detail: 'The session has been idle for too long: sign in again' };
    }
    if (now - entry.persistedAt >= this.touchIntervalMs) {
      if (!(await this.#o.sessions.touch(id, now, now - this.#idleMs))) {
        this.#cache.delete(id);
        return { outcome: 'rejected', code: 'session_revoked', detail: 'The session has ended' };
      }
      entry.persistedAt = now;
    }
    entry.lastSeenAt = now;
    return { outcome: 'authenticated', principal: { type: 'user', id: entry.userId, sessionId: id, via: 'cookie' } };
  }

  #refusal(session: StoredSession | undefined, now: number): AuthenticationResult | undefined {
    if (session === undefined || session.cookieSecretHash === null) {
      return { outcome: 'rejected', code: 'token_invalid', detail: 'The session cookie is not valid' };
    }
    if (session.revokedAt !== null) return { outcome: 'rejected', code: 'session_revoked', detail: 'The session has been revoked' };
    if (now >= session.expiresAt) {
      return { outcome: 'rejected', code: 'token_expired', detail: 'The session has reached its maximum lifetime: sign in again' };
    }
    if (now - session.lastSeenAt > this.#idleMs) {
      return { outcome: 'rejected', code: 'token_expired', detail: 'The session has been idle for too long: sign in again' };
    }
    return undefined;
  }

  #remember(id: string, session: StoredSession): Cached {
    if (this.#cache.size >= this.#max) {
      const oldest = this.#cache.keys().next();
      if (oldest.done !== true) this.#cache.delete(oldest.value);
    }
    const entry: Cached = {
      userId: session.userId,
      secretHash: session.cookieSecretHash ?? '',
      expiresAt: session.expiresAt,
      lastSeenAt: session.lastSeenAt,
      persistedAt: session.lastSeenAt,
    };
    this.#cache.set(id, entry);
    return entry;
  }

  /**
   * Records a browser-session event (logout), then runs `change` (kernel/audited-change.ts): a log that cannot
   * record leaves the session as it was (logout answers 503 and the session lives on).
   */
  async recordThen<T>(
    action: AuditAction,
    userId: string,
    sessionId: string,
    context: RequestContext,
    details: Record<string, string> | undefined,
    change: () => Promise<T>,
  ): Promise<T> {
    return auditedChange(this.#o.audit, this.#event(action, userId, sessionId, context, details), change);
  }

  #event(
    action: AuditAction,
    userId: string,
    sessionId: string,
    context: RequestContext,
    details: Record<string, string> | undefined,
  ): AuditEvent {
    return {
      org: SYSTEM_ORG_SLUG,
      actor: { type: 'user', id: userId },
      action,
      resource: sessionId,
      result: 'success',
      sourceIp: context.ip,
      requestId: context.requestId,
      ...(context.userAgent === undefined ? {} : { userAgent: context.userAgent }),
      ...(details === undefined ? {} : { details }),
      subject: userId,
    };
  }
}
