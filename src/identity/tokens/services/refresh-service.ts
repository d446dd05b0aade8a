/**
 * Refresh-token rotation with reuse detection (test/fixtures/spec-api-v1.md, "Authentication"; RFC 9700 §4.14.2).
 * Every use spends the token and yields its successor in one atomic store statement. A spent
 * token presented again means two parties hold it — the client and a thief — so the whole
 * session is revoked (401 `session_revoked`, audited as `auth.refresh_reuse`).
 *
 * RAMPART_REFRESH_REUSE_GRACE (default 0): within that many seconds of the rotation, a replay of
 * the token just rotated — while its successor is still unspent — gets the same successor back
 * (derived, never stored: identity/tokens/crypto/refresh-token.ts) with a fresh access token, so two tabs racing
 * to refresh do not log the user out. With grace 0 such a race revokes the session: the loser
 * presents a spent token, which is exactly what a replayed stolen token looks like.
 *
 * DPoP binding (RFC 9449): a session opened with a DPoP proof has its refresh tokens bound to that
 * key's thumbprint. Its refresh needs a fresh proof by the same key (identity/browser/services/dpop.ts); the proof
 * is checked before anything else — a thief holding the token but not the key is refused with
 * 401 `dpop_invalid` and changes nothing: no rotation, no reuse detection, no revocation.
 * Every successful refresh is audited (`auth.refresh`).
 *
 * A session's end (V7.3.2, V10.4.8; docs/decisions/030-session-limits-and-kill-switch.md): each
 * successor, and the session's sliding `expires_at`, expire `refreshTtlSeconds` after the refresh
 * (RAMPART_TOKEN_SESSION_IDLE_TIMEOUT) but never after the session's absolute end, fixed at login
 * (RAMPART_TOKEN_SESSION_ABSOLUTE_TIMEOUT). Past it the chain is dead (`session_revoked`); every
 * grant says when that is (`sessionExpiresAt`).
 *
 * An `org` (id or slug; spec v1.1, "Refinements") makes the new access token that org's: `org` and,
 * in `scope`, the user's permissions there. It is resolved while the presented token is live and
 * before it is spent, so an org the user is not an active member of (or no such org) is 404
 * `not_found` and nothing changes: the same refresh token still works. A token that is spent, or
 * whose session has ended, goes its usual way first (reuse detection is never skipped by an org).
 *
 * Entry first (kernel/audited-change.ts): the token's state is read, and a live one's checks (the
 * user active, the org) run, before anything is stored; then the `auth.refresh` entry is made
 * durable, and only then is the token rotated. A log that cannot record answers 503
 * `audit_unavailable` and the same refresh token still works. A rotation that loses a race after
 * its entry is followed by a `failure` entry (`not_applied:<outcome>`) and answered as the lost
 * race says (reuse detection included). Reuse detection records `auth.refresh_reuse` before it
 * revokes the session.
 */
import { hashRefreshToken, isRefreshTokenShape, sameHash, successorRefreshToken } from '../crypto/refresh-token.js';
import { DomainError } from '../../../kernel/domain/errors.js';
import type { Secret } from '../../../kernel/domain/secret.js';
import type { RefreshTokenRecord } from '../../sessions/domain/session.js';
import { SYSTEM_ORG_SLUG } from '../../../kernel/domain/system-org.js';
import type { AuditAction } from '../../../kernel/domain/audit-entry.js';
import type { AuditLog } from '../../../kernel/ports/audit-log.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { SessionStore } from '../../sessions/ports/session-store.js';
import type { UserStore } from '../../accounts/ports/user-store.js';
import { userAuditEvent, type RequestContext } from '../../../kernel/domain/request-context.js';
import type { AuditEvent } from '../../../kernel/ports/audit-log.js';
import { auditedChange, recordNotApplied } from '../../../kernel/audited-change.js';
import type { User } from '../../accounts/domain/user.js';
import type { SessionRevoker } from '../../sessions/services/session-revoker.js';
import type { TokenGrant } from './token-grant.js';
import type { DpopService, DpopTarget } from '../../browser/services/dpop.js';
import type { TokenService } from './token-service.js';
import type { OrgPermissions } from '../ports/token-scopes.js';
import type { RotationResult, StoredSession } from '../../sessions/ports/session-store.js';

/** Every outcome of a rotation but success: what the token's state answers instead. */
type NotRotated = Exclude<RotationResult, { readonly outcome: 'rotated' }>;

/** The DPoP side of a refresh request: the `DPoP` header and what the proof must be made for. */
export interface RefreshProof {
  readonly proof: string | undefined;
  readonly target: DpopTarget;
}

export interface RefreshServiceOptions {
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly tokens: TokenService;
  readonly revoker: SessionRevoker;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** The HMAC key successors are derived with (HKDF of the master key). */
  readonly successorKey: Secret<Buffer>;
  readonly refreshTtlSeconds: number;
  /** Seconds; 0 disables the grace. */
  readonly reuseGraceSeconds: number;
  /** Checks DPoP proofs of bound sessions; without it, a bound session cannot be refreshed. */
  readonly dpop?: Pick<DpopService, 'verify'>;
}

export class RefreshService {
  readonly #o: RefreshServiceOptions;

  constructor(options: RefreshServiceOptions) {
    this.#o = options;
  }

  /** Rotates `presented`; with `org` (id or slug), the new access token is that org's (see above). */
  async refresh(presented: Secret<string>, context: RequestContext, dpop?: RefreshProof, org?: string): Promise<TokenGrant> {
    const token = presented.reveal();
    if (!isRefreshTokenShape(token)) throw new DomainError('token_invalid', 'The refresh token is not valid');
    const oldHash = hashRefreshToken(token);
    const bound = await this.#o.sessions.findByRefreshToken(oldHash);
    if (bound?.dpopJkt !== null && bound?.dpopJkt !== undefined) {
      if (this.#o.dpop === undefined || dpop === undefined) throw new DomainError('dpop_invalid', 'This refresh token needs a DPoP proof');
      try {
        await this.#o.dpop.verify(dpop.proof, dpop.target, bound.dpopJkt);
      } catch (error) {
        if (error instanceof DomainError && error.code === 'dpop_invalid')
          await this.#audit('auth.refresh', bound.id, bound.userId, context, 'dpop_invalid');
        throw error;
      }
    }
    const successor = successorRefreshToken(this.#o.successorKey, token);
    const newHash = hashRefreshToken(successor.reveal());
    const now = this.#o.clock.now();
    const state = await this.#state(bound, oldHash, now);
    if (state.outcome === 'live') return this.#rotate(state.session, oldHash, newHash, successor, context, org);
    return this.#notRotated(state, newHash, successor, now, context, org);
  }

  /**
   * What the rotation would answer now, read without changing anything: `live` when the token is
   * unspent and unexpired and its session live (the store's rotation checks the same, atomically).
   */
  async #state(
    bound: StoredSession | undefined,
    oldHash: string,
    now: number,
  ): Promise<NotRotated | { readonly outcome: 'live'; readonly session: StoredSession }> {
    const record = await this.#o.sessions.findRefreshToken(oldHash);
    if (record === undefined) return { outcome: 'unknown' };
    if (record.spentAt !== null) return { outcome: 'spent', token: record };
    if (record.expiresAt <= now) return { outcome: 'expired' };
    if (bound === undefined || bound.id !== record.sessionId || bound.revokedAt !== null || bound.expiresAt <= now) {
      return { outcome: 'session_ended', sessionId: record.sessionId };
    }
    return { outcome: 'live', session: bound };
  }

  /** A live token: the checks that can refuse, then the entry, then the rotation. */
  async #rotate(
    session: StoredSession,
    oldHash: string,
    newHash: string,
    successor: Secret<string>,
    context: RequestContext,
    org: string | undefined,
  ): Promise<TokenGrant> {
    const user = await this.#activeUser(session.id, session.userId);
    // Resolved while the token is live and before anything is spent: 404 leaves it working.
    const scope = org === undefined ? undefined : await this.#orgScope(user.id, session.id, org, context);
    // Signed before the rotation, so the rotation is the last step: a grant never handed out
    // leaves nothing spent, and `not_applied` below is true.
    const grant = await this.#issue(session, user, successor, scope);
    const event = userAuditEvent({ userId: user.id, action: 'auth.refresh', resource: session.id, context });
    await this.#o.audit.record(event);
    let result: RotationResult;
    try {
      const now = this.#o.clock.now();
      // Never past the absolute end: it is fixed at login, so clamping here cannot race.
      const expiresAt = Math.min(now + this.#o.refreshTtlSeconds * 1000, session.absoluteExpiresAt);
      result = await this.#o.sessions.rotateRefreshToken(oldHash, newHash, now, expiresAt);
      if (result.outcome === 'rotated') return grant;
    } catch (error) {
      await recordNotApplied(this.#o.audit, event, error);
      throw error;
    }
    // A race lost since the state was read (another refresh, a revocation): the entry says the
    // rotation did not happen, and the answer is the one that state calls for.
    await recordNotApplied(this.#o.audit, event, result.outcome);
    return this.#notRotated(result, newHash, successor, this.#o.clock.now(), context, org);
  }

  /**
   * The org a refresh asks for, and the user's permissions there; an org that does not exist or
   * that the user is not a member of is 404, recorded as a refused refresh (an authorization
   * failure is audited) before anything is spent.
   */
  async #orgScope(userId: string, sessionId: string, org: string, context: RequestContext): Promise<OrgPermissions> {
    try {
      return await this.#o.tokens.orgScope(userId, org);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'not_found') {
        const refused = userAuditEvent({
          userId,
          action: 'auth.refresh',
          resource: sessionId,
          context,
          reason: 'org_not_found',
          details: { org },
        });
        await this.#o.audit.record(refused);
      }
      throw error;
    }
  }

  async #notRotated(
    result: NotRotated,
    newHash: string,
    successor: Secret<string>,
    now: number,
    context: RequestContext,
    org: string | undefined,
  ): Promise<TokenGrant> {
    switch (result.outcome) {
      case 'spent':
        return this.#replayed(result.token, newHash, successor, now, context, org);
      case 'session_ended':
        throw new DomainError('session_revoked', 'The session of this refresh token has ended');
      case 'expired':
        throw new DomainError('token_expired', 'The refresh token has expired');
      case 'unknown':
        throw new DomainError('token_invalid', 'The refresh token is not valid');
    }
  }

  async #replayed(
    spent: RefreshTokenRecord,
    newHash: string,
    successor: Secret<string>,
    now: number,
    context: RequestContext,
    org: string | undefined,
  ): Promise<TokenGrant> {
    const graceMs = this.#o.reuseGraceSeconds * 1000;
    if (
      graceMs > 0 &&
      spent.spentAt !== null &&
      now - spent.spentAt < graceMs &&
      spent.successorHash !== null &&
      sameHash(spent.successorHash, newHash)
    ) {
      const [next, session] = await Promise.all([this.#o.sessions.findRefreshToken(newHash), this.#o.sessions.find(spent.sessionId)]);
      if (next !== undefined && next.spentAt === null && session !== undefined && session.revokedAt === null && session.expiresAt > now) {
        // Nothing is spent on this path: an org the user is not a member of is 404 here too.
        const scope = org === undefined ? undefined : await this.#orgScope(session.userId, session.id, org, context);
        return this.#granted(await this.#grant(session, successor, scope), context, 'reuse_grace');
      }
    }
    // RFC 9700 §4.14.2: reuse of a spent refresh token invalidates the whole session (entry first).
    const event: AuditEvent = {
      org: SYSTEM_ORG_SLUG,
      actor: { type: 'system', id: null },
      action: 'auth.refresh_reuse',
      resource: spent.sessionId,
      result: 'failure',
      reason: 'session_revoked',
      sourceIp: context.ip,
      requestId: context.requestId,
      ...(context.userAgent === undefined ? {} : { userAgent: context.userAgent }),
    };
    await auditedChange(this.#o.audit, event, () => this.#o.revoker.revoke(spent.sessionId, 'refresh_reuse'));
    throw new DomainError('session_revoked', 'This refresh token was already used; the session has been revoked');
  }

  /** Audits a successful refresh; the answer leaves only once the entry is durable. */
  async #granted(grant: TokenGrant, context: RequestContext, path?: string): Promise<TokenGrant> {
    await this.#audit('auth.refresh', grant.sessionId, grant.user.id, context, undefined, path === undefined ? undefined : { path });
    return grant;
  }

  async #audit(
    action: AuditAction,
    sessionId: string,
    userId: string,
    context: RequestContext,
    reason?: string,
    details?: Record<string, string>,
  ): Promise<void> {
    await this.#o.audit.record(userAuditEvent({ userId, action, resource: sessionId, context, reason, details }));
  }

  async #grant(session: StoredSession, refreshToken: Secret<string>, org?: OrgPermissions): Promise<TokenGrant> {
    return this.#issue(session, await this.#activeUser(session.id, session.userId), refreshToken, org);
  }

  /** The session's user, if still active; else the session ends (a left-over of a disable or an erasure). */
  async #activeUser(sessionId: string, userId: string): Promise<User> {
    const user = await this.#o.users.findById(userId);
    if (user === undefined || user.status !== 'active') {
      await this.#o.revoker.revoke(sessionId, user === undefined ? 'user_deleted' : 'user_disabled');
      throw new DomainError('session_revoked', 'The session has ended');
    }
    return user;
  }

  async #issue(session: StoredSession, user: User, refreshToken: Secret<string>, org?: OrgPermissions): Promise<TokenGrant> {
    const sessionId = session.id;
    const access = await this.#o.tokens.issue({ userId: user.id, email: user.email, sessionId, ...(org === undefined ? {} : { org }) });
    return Object.freeze({
      accessToken: access.token,
      expiresIn: access.expiresIn,
      refreshToken,
      sessionId,
      user,
      sessionExpiresAt: session.absoluteExpiresAt,
    });
  }
}
