/**
 * Password login (test/fixtures/spec-api-v1.md, "Authentication"). The rules it enforces, in order:
 * 1. the login limits (per IP, per (IP, account)) → 429 with Retry-After;
 * 2. an unknown account, or one without a password, costs one dummy argon2id verification and is
 *    answered exactly like a wrong password (same status, body and headers), so neither the answer
 *    nor its timing tells whether the account exists;
 * 3. during the account's backoff (after 5 consecutive failures: 1 s, 2 s, 4 s … at most 15 min,
 *    never a permanent lockout) the attempt is refused with that same 401, after the same dummy
 *    verification — a 429 would tell an attacker the account exists; it is not counted, so
 *    hammering does not lengthen the backoff (docs/decisions/003-identity-core.md);
 * 4. a wrong password counts a failure; a disabled account is refused with the same 401;
 * 5. success resets the count and rehashes a hash with old parameters (bcrypt imports, older
 *    argon2 costs); a full hasher queue, or one whose estimated wait passes
 *    RAMPART_LOGIN_MAX_WAIT_MS, answers 429 with Retry-After at once (and a hash still queued when
 *    it has waited that long, at its turn), audited `hasher_busy`, the same for a known and an
 *    unknown account;
 * 6. a user with a confirmed second factor gets an MFA challenge instead of a session
 *    (identity/mfa/services/mfa-login.ts), which opens the session through {@link LoginService.grant};
 * 7. the session is a token session (access + refresh token, the refresh tokens bound to a DPoP
 *    key when the login carried a proof) or, with `mode: "cookie"`, a browser session
 *    (identity/browser/services/cookie-sessions.ts): a new id whatever cookie the browser held before.
 * Every attempt, both outcomes, is audited with IP, user agent and request id — never the password.
 */
import { DomainError } from '../../../kernel/domain/errors.js';
import type { Secret } from '../../../kernel/domain/secret.js';
import { normaliseEmail, SYSTEM_ORG_SLUG, type User } from '../domain/user.js';
import type { PasswordHasher } from '../crypto/password-hasher.js';
import { newRefreshToken, hashRefreshToken } from '../../tokens/crypto/refresh-token.js';
import type { AuditLog } from '../../../kernel/ports/audit-log.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { SessionStore } from '../../sessions/ports/session-store.js';
import { newSessionFields } from '../../sessions/services/new-session.js';
import type { UserStore } from '../ports/user-store.js';
import type { CookieGrant, CookieSessions } from '../../browser/services/cookie-sessions.js';
import type { LoginLimiter } from './login-limiter.js';
import type { MfaChallenge, SessionBinding, SessionGranter } from '../../mfa/services/mfa-login.js';
import type { RequestContext } from '../../../kernel/domain/request-context.js';
import type { FactorMethod } from '../../mfa/services/second-factor.js';
import type { TokenGrant } from '../../tokens/services/token-grant.js';
import type { TokenService } from '../../tokens/services/token-service.js';

export interface LoginRequest {
  readonly email: string;
  readonly password: Secret<string>;
  readonly deviceName?: string;
  /** What kind of session to open (default: a token session, unbound). */
  readonly binding?: SessionBinding;
}

export interface LoginServiceOptions {
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly tokens: TokenService;
  readonly hasher: PasswordHasher;
  readonly limiter: LoginLimiter;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** Refresh-token (and session) lifetime in seconds. */
  readonly refreshTtlSeconds: number;
  /** The MFA challenge of an enrolled user; without it, no account has a second factor. */
  readonly mfa?: { challenge(user: User, deviceName: string | undefined, context: RequestContext): Promise<MfaChallenge | undefined> };
  /** Browser sessions; without it, `mode: "cookie"` is refused. */
  readonly cookieSessions?: Pick<CookieSessions, 'open'>;
}

/** The one refusal for every credential failure: identical whatever the cause. */
function invalidCredentials(): DomainError {
  return new DomainError('invalid_credentials', 'The email or password is not correct');
}

type FailureReason = 'unknown_account' | 'backoff' | 'wrong_password' | 'disabled' | 'rate_limited' | 'hasher_busy';

export class LoginService implements SessionGranter {
  readonly #o: LoginServiceOptions;

  constructor(options: LoginServiceOptions) {
    this.#o = options;
  }

  async login(request: LoginRequest, context: RequestContext): Promise<TokenGrant | CookieGrant | MfaChallenge> {
    const email = normaliseEmail(request.email);
    try {
      await this.#o.limiter.check(context.ip, email);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'rate_limited') await this.#failed(undefined, email, 'rate_limited', context);
      throw error;
    }
    const user = await this.#o.users.findByEmail(email);
    const hashing = <T>(work: () => Promise<T>): Promise<T> => this.#hashing(user, email, context, work);
    if (user === undefined || user.passwordHash === null) {
      await hashing(() => this.#o.hasher.dummyVerify(request.password));
      return this.#refuse(user, email, 'unknown_account', context);
    }
    const now = this.#o.clock.now();
    if (user.nextLoginAt !== null && now < user.nextLoginAt) {
      await hashing(() => this.#o.hasher.dummyVerify(request.password));
      return this.#refuse(user, email, 'backoff', context);
    }
    const passwordHash = user.passwordHash;
    const verification = await hashing(() => this.#o.hasher.verify(passwordHash, request.password));
    if (!verification.ok) {
      await this.#o.users.recordLoginFailure(user.id, now);
      return this.#refuse(user, email, 'wrong_password', context);
    }
    if (user.status !== 'active') return this.#refuse(user, email, 'disabled', context);
    await this.#o.users.recordLoginSuccess(user.id, now, verification.needsRehash ? await this.#rehash(request.password) : undefined);
    const challenge = await this.#o.mfa?.challenge(user, request.deviceName, context);
    if (challenge !== undefined) return challenge;
    return this.grant(user, request.deviceName, context, undefined, request.binding);
  }

  /** Opens the session of a user whose credentials are proven, and audits the login. */
  async grant(
    user: User,
    deviceName: string | undefined,
    context: RequestContext,
    method?: FactorMethod,
    binding: SessionBinding = { mode: 'token' },
  ): Promise<TokenGrant | CookieGrant> {
    let grant: TokenGrant | CookieGrant;
    if (binding.mode === 'cookie') {
      if (this.#o.cookieSessions === undefined) throw new Error('browser sessions are not configured');
      grant = await this.#o.cookieSessions.open(user, deviceName, context);
    } else {
      grant = await this.#openSession(user, deviceName, context, binding.dpopJkt);
    }
    const details: Record<string, string> = { mode: binding.mode };
    if (method !== undefined) details.method = method;
    if (binding.mode === 'token' && binding.dpopJkt !== undefined) {
      // The public key's RFC 7638 thumbprint: what the session is bound to (no secret).
      details.binding = 'dpop';
      details.thumbprint = binding.dpopJkt;
    }
    await this.#o.audit.record({
      org: SYSTEM_ORG_SLUG,
      actor: { type: 'user', id: user.id },
      action: 'auth.login',
      resource: grant.sessionId,
      result: 'success',
      sourceIp: context.ip,
      requestId: context.requestId,
      ...(context.userAgent === undefined ? {} : { userAgent: context.userAgent }),
      details,
      subject: user.id,
    });
    return grant;
  }

  /** Runs a hash of this login; a refusal by the busy hasher (429) is audited before it is answered. */
  async #hashing<T>(user: User | undefined, email: string, context: RequestContext, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof DomainError && error.code === 'rate_limited') await this.#failed(user, email, 'hasher_busy', context);
      throw error;
    }
  }

  /** A rehash is an upgrade, not a condition of login: a busy hasher postpones it to the next one. */
  async #rehash(password: Secret<string>): Promise<string | undefined> {
    try {
      return await this.#o.hasher.hash(password);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'rate_limited') return undefined;
      throw error;
    }
  }

  async #openSession(
    user: User,
    deviceName: string | undefined,
    context: RequestContext,
    dpopJkt: string | undefined,
  ): Promise<TokenGrant> {
    const now = this.#o.clock.now();
    const refreshToken = newRefreshToken();
    const fields = newSessionFields(user.id, deviceName, context, now);
    const sessionId = fields.id;
    await this.#o.sessions.create({
      ...fields,
      expiresAt: now + this.#o.refreshTtlSeconds * 1000,
      refreshTokenHash: hashRefreshToken(refreshToken.reveal()),
      dpopJkt: dpopJkt ?? null,
    });
    const access = await this.#o.tokens.issue({ userId: user.id, email: user.email, sessionId });
    return Object.freeze({ accessToken: access.token, expiresIn: access.expiresIn, refreshToken, sessionId, user });
  }

  async #refuse(user: User | undefined, email: string, reason: FailureReason, context: RequestContext): Promise<never> {
    await this.#failed(user, email, reason, context);
    throw invalidCredentials();
  }

  async #failed(user: User | undefined, email: string, reason: FailureReason, context: RequestContext): Promise<void> {
    await this.#o.audit.record({
      org: SYSTEM_ORG_SLUG,
      actor: { type: 'user', id: user?.id ?? null },
      action: 'auth.login',
      resource: user?.id ?? 'unknown_account',
      result: 'failure',
      reason,
      sourceIp: context.ip,
      requestId: context.requestId,
      ...(context.userAgent === undefined ? {} : { userAgent: context.userAgent }),
      details: { email },
      ...(user === undefined ? {} : { subject: user.id }),
    });
  }
}
