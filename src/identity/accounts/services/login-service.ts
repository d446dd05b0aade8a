/**
 * Password login (test/fixtures/spec-api-v1.md, "Authentication"; the throttling model is
 * docs/decisions/011-login-throttling.md). The rules it enforces, in order:
 * 1. the per-source and per-(account, source) limits (a source is an IPv4 address or an IPv6
 *    /64) → 429 with Retry-After, counted before anything is hashed;
 * 2. trust: an attempt from a device that signed in to the account before (a valid device token,
 *    a DPoP key a session of the account was bound to, or the same source and user agent as a
 *    past sign-in, all since the last password change) passes the account-wide throttle; any
 *    other attempt — and every attempt at an unknown email — spends one of the account's
 *    RAMPART_LOGIN_ACCOUNT_LIMIT untrusted attempts per 15 minutes, counted atomically before
 *    hashing (→ 429 with Retry-After), so concurrent attempts cannot overshoot;
 * 3. an unknown account, or one without a password, costs one dummy argon2id verification (in
 *    the hasher's spare room only) and is answered exactly like a wrong password (same status,
 *    body and headers), so neither the answer nor its timing tells whether the account exists;
 * 4. an untrusted attempt during the account's backoff (after 5 consecutive failures: 1 s, 2 s,
 *    4 s … at most 15 min) is refused with that same 401 after the same dummy verification, not
 *    counted; a trusted one is not held by the backoff;
 * 5. a wrong password counts a failure; a disabled account is refused with the same 401;
 * 6. success resets the count and rehashes a hash with old parameters (bcrypt imports, older
 *    argon2 costs); a hasher that cannot admit the hash (its queue full for this lane or source,
 *    or the estimated wait past RAMPART_LOGIN_MAX_WAIT_MS) answers 429 with Retry-After at once,
 *    audited `hasher_busy`, the same for a known and an unknown account;
 * 7. a user with a confirmed second factor gets an MFA challenge instead of a session
 *    (identity/mfa/services/mfa-login.ts), which opens the session through {@link LoginService.grant};
 * 8. the session is a token session (access + refresh token, the refresh tokens bound to a DPoP
 *    key when the login carried a proof) or, with `mode: "cookie"`, a browser session
 *    (identity/browser/services/cookie-sessions.ts): a new id whatever cookie the browser held
 *    before; either way the answer carries a new device token for this account;
 * 9. entry first (kernel/audited-change.ts): once the credentials are proven, the success entry
 *    (or, for an enrolled user, the challenge's) is recorded before anything is stored — the reset
 *    of the failure count, a rehash, the session or the challenge. A log that cannot record answers
 *    503 `audit_unavailable` and no session exists.
 * Every attempt, both outcomes, is audited with IP, user agent and request id — never the
 * password, and the typed email only when it names an existing account (else its keyed digest).
 */
import type { OrgPermissions } from '../../tokens/ports/token-scopes.js';
import { DomainError } from '../../../kernel/domain/errors.js';
import type { Secret } from '../../../kernel/domain/secret.js';
import { normaliseEmail, SYSTEM_ORG_SLUG, type User } from '../domain/user.js';
import type { PasswordHasher } from '../crypto/password-hasher.js';
import { newRefreshToken, hashRefreshToken } from '../../tokens/crypto/refresh-token.js';
import type { AuditEvent, AuditLog } from '../../../kernel/ports/audit-log.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { SessionStore } from '../../sessions/ports/session-store.js';
import { newSessionFields } from '../../sessions/services/new-session.js';
import type { UserStore } from '../ports/user-store.js';
import type { CookieGrant, CookieSessions } from '../../browser/services/cookie-sessions.js';
import { auditedChange } from '../../../kernel/audited-change.js';
import type { LoginLimiter } from './login-limiter.js';
import type { MfaChallenge, MfaLogin, SessionBinding, SessionGranter } from '../../mfa/services/mfa-login.js';
import { callerAddress, type RequestContext } from '../../../kernel/domain/request-context.js';
import type { FactorMethod } from '../../mfa/services/second-factor.js';
import type { TokenGrant } from '../../tokens/services/token-grant.js';
import type { TokenService } from '../../tokens/services/token-service.js';
import type { DeviceTokens } from '../crypto/device-token.js';
import type { HashLane, HashTicket } from '../crypto/fair-hash-queue.js';
import type { LoginIdentifierDigest } from '../crypto/login-identifier.js';
import { loginSourceKey } from '../domain/login-source.js';
import { judgeTrust, TRUST_HISTORY_LIMIT, TRUST_WINDOW_MS, type LoginTrust } from '../domain/login-trust.js';
import type { SignInHistory } from '../ports/sign-in-history.js';
import { USER_AGENT_MAX } from '../../sessions/services/new-session.js';
import type { SignInWatch } from '../../security/ports/sign-in-watch.js';

export interface LoginRequest {
  readonly email: string;
  readonly password: Secret<string>;
  readonly deviceName?: string;
  /** What kind of session to open (default: a token session, unbound). */
  readonly binding?: SessionBinding;
  /** The device token the client presented (cookie or body), unverified. */
  readonly deviceToken?: string;
}

/** A session opened by a login, with the device token the client keeps for the next one. */
export type LoginGrant = (TokenGrant | CookieGrant) & { readonly deviceToken: Secret<string> };

export interface LoginServiceOptions {
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly tokens: TokenService;
  readonly hasher: PasswordHasher;
  readonly limiter: LoginLimiter;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** Refresh-token (and session) lifetime in seconds: the token session's idle timeout. */
  readonly refreshTtlSeconds: number;
  /** A token session's absolute lifetime in seconds (V7.3.2); unbounded but by the idle timeout when absent. */
  readonly tokenSessionAbsoluteSeconds?: number;
  /** The MFA challenge of an enrolled user; without it, no account has a second factor. */
  readonly mfa?: Pick<MfaLogin, 'challenge'>;
  /** Browser sessions; without it, `mode: "cookie"` is refused. */
  readonly cookieSessions?: Pick<CookieSessions, 'prepare'>;
  /** The account's past sign-ins: what tells a device that signed in before. */
  readonly history: SignInHistory;
  /** Issues and checks device tokens. */
  readonly deviceTokens: DeviceTokens;
  /** The keyed digest an unknown typed email is audited as. */
  readonly identifiers: LoginIdentifierDigest;
  /** Tells the account's owner of a sign-in from a new device (identity/security/); without it, no alerts. */
  readonly signInWatch?: SignInWatch;
}

/**
 * A first factor another module proved (an OIDC provider, a directory, a passkey): how, for the
 * audit entry, and whether it was already two factors (a user-verified passkey), which skips the
 * MFA challenge. Every other proof meets the same challenge as a password.
 */
export interface ExternalProof {
  /** `oidc:<provider>`, `ldap:<directory>`, `pam`, `passkey`: the audit entry's `first_factor`. */
  readonly firstFactor: string;
  readonly multiFactor?: boolean;
  readonly deviceName?: string;
  readonly binding?: SessionBinding;
}

/** The one refusal for every credential failure: identical whatever the cause. */
function invalidCredentials(): DomainError {
  return new DomainError('invalid_credentials', 'The email or password is not correct');
}

type FailureReason = 'unknown_account' | 'backoff' | 'wrong_password' | 'disabled' | 'rate_limited' | 'account_limited' | 'hasher_busy';

/** An attempt as the throttle sees it: its source, and what it showed of its device. */
interface Attempt {
  readonly email: string;
  readonly source: string;
  readonly trust: LoginTrust;
  readonly context: RequestContext;
}

const UNTRUSTED: LoginTrust = Object.freeze({ trusted: undefined, recent: false });

export class LoginService implements SessionGranter {
  readonly #o: LoginServiceOptions;

  constructor(options: LoginServiceOptions) {
    this.#o = options;
  }

  async login(request: LoginRequest, context: RequestContext): Promise<LoginGrant | MfaChallenge> {
    const email = normaliseEmail(request.email);
    const source = loginSourceKey(callerAddress(context));
    const user = await this.#o.users.findByEmail(email);
    await this.#limited(user, { email, source, trust: UNTRUSTED, context }, 'rate_limited', () =>
      this.#o.limiter.checkSource(source, email),
    );
    const attempt: Attempt = { email, source, trust: await this.#trust(user, request, loginSourceKey(context.ip ?? ''), context), context };
    if (attempt.trust.trusted === undefined) {
      await this.#limited(user, attempt, 'account_limited', () => this.#o.limiter.checkAccount(email));
    }
    const hashing = <T>(work: () => Promise<T>): Promise<T> => this.#hashing(user, attempt, work);
    if (user === undefined || user.passwordHash === null) {
      await hashing(() => this.#o.hasher.dummyVerify(request.password, source));
      return this.#refuse(user, attempt, 'unknown_account');
    }
    const now = this.#o.clock.now();
    if (attempt.trust.trusted === undefined && user.nextLoginAt !== null && now < user.nextLoginAt) {
      await hashing(() => this.#o.hasher.dummyVerify(request.password, source));
      return this.#refuse(user, attempt, 'backoff');
    }
    const passwordHash = user.passwordHash;
    const ticket: HashTicket = { source, lane: laneOf(attempt.trust) };
    const verification = await hashing(() => this.#o.hasher.verify(passwordHash, request.password, ticket));
    if (!verification.ok) {
      await this.#o.users.recordLoginFailure(user.id, now);
      return this.#refuse(user, attempt, 'wrong_password');
    }
    if (user.status !== 'active') return this.#refuse(user, attempt, 'disabled');
    const rehash = verification.needsRehash ? await this.#rehash(request.password, ticket) : undefined;
    // The password is proven: the count's reset (and the rehash) is stored with the session or the
    // challenge, after its entry.
    const proven = (): Promise<void> => this.#o.users.recordLoginSuccess(user.id, now, rehash);
    const challenge = await this.#o.mfa?.challenge(user, request.deviceName, context, proven);
    if (challenge !== undefined) return challenge;
    const binding: SessionBinding = {
      ...(request.binding ?? { mode: 'token' }),
      ...(request.deviceToken === undefined ? {} : { deviceToken: request.deviceToken }),
    };
    return this.grant(user, request.deviceName, context, undefined, binding, proven);
  }

  /**
   * The sign-in of a user whose first factor another module proved (`proof`): a disabled account
   * is refused with the password login's 401; an enrolled user gets the MFA challenge unless the
   * proof was multi-factor; otherwise the session opens exactly as after a password, its entry
   * naming `first_factor`.
   */
  async signIn(user: User, proof: ExternalProof, context: RequestContext): Promise<LoginGrant | MfaChallenge> {
    if (user.status !== 'active') {
      await this.#failed(
        user,
        { email: user.email, source: loginSourceKey(callerAddress(context)), trust: UNTRUSTED, context },
        'disabled',
        proof.firstFactor,
      );
      throw invalidCredentials();
    }
    if (proof.multiFactor !== true) {
      const challenge = await this.#o.mfa?.challenge(user, proof.deviceName, context);
      if (challenge !== undefined) return challenge;
    }
    return this.grant(user, proof.deviceName, context, undefined, proof.binding, undefined, proof.firstFactor);
  }

  /**
   * Opens the session of a user whose credentials are proven, entry first: the `auth.login` entry
   * (naming the session id, drawn beforehand) is durable before `alongside` (the rest of the
   * proven login's change) and the session are stored.
   */
  async grant(
    user: User,
    deviceName: string | undefined,
    context: RequestContext,
    method?: FactorMethod,
    binding: SessionBinding = { mode: 'token' },
    alongside?: () => Promise<void>,
    firstFactor?: string,
  ): Promise<LoginGrant> {
    let opening: { readonly sessionId: string; open(): Promise<TokenGrant | CookieGrant> };
    if (binding.mode === 'cookie') {
      if (this.#o.cookieSessions === undefined) throw new Error('browser sessions are not configured');
      opening = this.#o.cookieSessions.prepare(user, deviceName, context);
    } else {
      // The active org asked for (issue 22 item 4): resolved before anything is stored, 404 when not a member.
      const org = binding.org === undefined ? undefined : await this.#o.tokens.orgScope(user.id, binding.org);
      opening = this.#prepareSession(user, deviceName, context, binding.dpopJkt, org);
    }
    const details: Record<string, string> = { mode: binding.mode };
    if (method !== undefined) details.method = method;
    if (firstFactor !== undefined) details.first_factor = firstFactor;
    if (binding.mode === 'token' && binding.dpopJkt !== undefined) {
      // The public key's RFC 7638 thumbprint: what the session is bound to (no secret).
      details.binding = 'dpop';
      details.thumbprint = binding.dpopJkt;
    }
    const event: AuditEvent = {
      org: SYSTEM_ORG_SLUG,
      actor: { type: 'user', id: user.id },
      action: 'auth.login',
      resource: opening.sessionId,
      result: 'success',
      sourceIp: context.ip,
      requestId: context.requestId,
      ...(context.userAgent === undefined ? {} : { userAgent: context.userAgent }),
      details,
      subject: user.id,
    };
    // A new device is judged before the session exists (it would count as seen), alerted once it does.
    const dpopJkt = binding.mode === 'token' ? binding.dpopJkt : undefined;
    const newDevice = await this.#o.signInWatch?.judge(user, { dpopJkt, deviceToken: binding.deviceToken }, context);
    const grant = await auditedChange(this.#o.audit, event, async () => {
      await alongside?.();
      return opening.open();
    });
    // OWASP device cookie: this device has now signed in; its next attempts pass the account-wide throttle.
    const deviceToken = this.#o.deviceTokens.issue(user.id, this.#o.clock.now());
    await newDevice?.(grant.sessionId, deviceToken);
    return Object.freeze({ ...grant, deviceToken });
  }

  /**
   * What the attempt shows of a device that signed in to `user` before (domain/login-trust.ts).
   * A device token past its own budget, and a history that cannot be read, earn no trust (fail closed).
   */
  async #trust(user: User | undefined, request: LoginRequest, source: string, context: RequestContext): Promise<LoginTrust> {
    if (user === undefined) return UNTRUSTED;
    const now = this.#o.clock.now();
    const since = Math.max(now - TRUST_WINDOW_MS, user.passwordChangedAt ?? 0);
    const token = request.deviceToken === undefined ? undefined : this.#o.deviceTokens.verify(request.deviceToken, user.id, now);
    const tokenCounts = token !== undefined && (await this.#o.limiter.withinDeviceBudget(token.deviceId));
    try {
      const history = await this.#o.history.recent(user.id, since, TRUST_HISTORY_LIMIT);
      const dpopJkt = request.binding?.mode === 'token' ? request.binding.dpopJkt : undefined;
      return judgeTrust(
        {
          source,
          userAgent: context.userAgent?.slice(0, USER_AGENT_MAX),
          dpopJkt,
          deviceTokenIssuedAt: tokenCounts ? token.issuedAt : undefined,
        },
        history,
        since,
      );
    } catch {
      return UNTRUSTED;
    }
  }

  /** Runs a limiter check; its refusal (429) is audited with `reason` before it is answered. */
  async #limited(user: User | undefined, attempt: Attempt, reason: FailureReason, check: () => Promise<void>): Promise<void> {
    try {
      await check();
    } catch (error) {
      if (error instanceof DomainError && error.code === 'rate_limited') await this.#failed(user, attempt, reason);
      throw error;
    }
  }

  /** Runs a hash of this login; a refusal by the busy hasher (429) is audited before it is answered. */
  async #hashing<T>(user: User | undefined, attempt: Attempt, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof DomainError && error.code === 'rate_limited') await this.#failed(user, attempt, 'hasher_busy');
      throw error;
    }
  }

  /** A rehash is an upgrade, not a condition of login: a busy hasher postpones it to the next one. */
  async #rehash(password: Secret<string>, ticket: HashTicket): Promise<string | undefined> {
    try {
      return await this.#o.hasher.hash(password, ticket);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'rate_limited') return undefined;
      throw error;
    }
  }

  /** A token session drawn (its id and refresh token) but not stored until `open`. */
  #prepareSession(
    user: User,
    deviceName: string | undefined,
    context: RequestContext,
    dpopJkt: string | undefined,
    org?: OrgPermissions,
  ): { readonly sessionId: string; open(): Promise<TokenGrant> } {
    const refreshToken = newRefreshToken();
    const fields = newSessionFields(user.id, deviceName, context, this.#o.clock.now());
    const sessionId = fields.id;
    const open = async (): Promise<TokenGrant> => {
      // Signed first (nothing stored), so storing the session is the last step of the change.
      const access = await this.#o.tokens.issue({ userId: user.id, email: user.email, sessionId, ...(org === undefined ? {} : { org }) });
      const now = this.#o.clock.now();
      // The end no refresh moves (V7.3.2): the idle end slides with each refresh, never past it.
      const absoluteExpiresAt = now + (this.#o.tokenSessionAbsoluteSeconds ?? this.#o.refreshTtlSeconds) * 1000;
      await this.#o.sessions.create({
        ...fields,
        now,
        expiresAt: Math.min(now + this.#o.refreshTtlSeconds * 1000, absoluteExpiresAt),
        absoluteExpiresAt,
        refreshTokenHash: hashRefreshToken(refreshToken.reveal()),
        dpopJkt: dpopJkt ?? null,
      });
      return Object.freeze({
        accessToken: access.token,
        expiresIn: access.expiresIn,
        refreshToken,
        sessionId,
        user,
        sessionExpiresAt: absoluteExpiresAt,
      });
    };
    return { sessionId, open };
  }

  async #refuse(user: User | undefined, attempt: Attempt, reason: FailureReason): Promise<never> {
    await this.#failed(user, attempt, reason);
    throw invalidCredentials();
  }

  async #failed(user: User | undefined, attempt: Attempt, reason: FailureReason, firstFactor?: string): Promise<void> {
    const { context, email } = attempt;
    // The typed identifier is kept only when it names an account: else it may be a password.
    const details: Record<string, string> = user === undefined ? { email_digest: this.#o.identifiers.of(email) } : { email };
    if (firstFactor !== undefined) details.first_factor = firstFactor;
    if (attempt.trust.trusted !== undefined) details.trusted = attempt.trust.trusted;
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
      details,
      ...(user === undefined ? {} : { subject: user.id }),
    });
  }
}

/** The hasher lane of an attempt: a trusted device first, then an account with a recent sign-in. */
function laneOf(trust: LoginTrust): HashLane {
  if (trust.trusted !== undefined) return 'trusted';
  return trust.recent ? 'recent' : 'account';
}
