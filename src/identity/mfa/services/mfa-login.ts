/**
 * The second step of a login (test/fixtures/spec-api-v1.md, "Authentication"). Rules, in order:
 * 1. a correct password of a user with confirmed TOTP opens no session: it creates a challenge,
 *    whose `mfa_token` (256 random bits, stored as SHA-256) lives 5 minutes;
 * 2. each verify first spends one of the challenge's 5 attempts (one guarded UPDATE), so no more
 *    than 5 codes are ever checked against a token, however many requests race; an unknown,
 *    expired, used or spent token is 401 `token_invalid`;
 * 3. a wrong, replayed or used code is 401 `invalid_credentials`; every code checked also spends
 *    one attempt of the account's guess budget, which no new `mfa_token` resets: past it 429
 *    `rate_limited` with Retry-After (docs/decisions/012-step-up.md);
 * 4. a right code consumes the challenge (one winner) and opens the session, as a login would;
 * 5. every attempt is audited — never the token or the code;
 * 6. entry first (kernel/audited-change.ts): a challenge is stored, and a verified one consumed
 *    and its session opened, only once the entry (`auth.mfa.challenge`, `auth.login`) is durable.
 *    What a check spends to stay safe — the challenge's attempt (rule 2), the TOTP step or the
 *    recovery code (replay protection, second-factor.ts) — is spent before it, as the check itself.
 */
import { hashMfaToken, newMfaToken } from '../crypto/mfa-token.js';
import { DomainError } from '../../../kernel/domain/errors.js';
import type { Secret } from '../../../kernel/domain/secret.js';
import { SYSTEM_ORG_SLUG } from '../../../kernel/domain/system-org.js';
import { type User } from '../../accounts/domain/user.js';
import type { AuditAction } from '../../../kernel/domain/audit-entry.js';
import type { AuditLog } from '../../../kernel/ports/audit-log.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { MfaStore } from '../ports/mfa-store.js';
import type { UserStore } from '../../accounts/ports/user-store.js';
import type { RequestContext } from '../../../kernel/domain/request-context.js';
import { TOTP_METHODS, type FactorMethod, type SecondFactor } from './second-factor.js';
import type { CookieGrant } from '../../browser/services/cookie-sessions.js';
import type { TokenGrant } from '../../tokens/services/token-grant.js';
import { auditedChange } from '../../../kernel/audited-change.js';
import { userAuditEvent } from '../../../kernel/domain/request-context.js';

/** Five wrong codes invalidate the token. */
export const MFA_MAX_ATTEMPTS = 5;
/** The `mfa_token` lifetime. */
export const MFA_TOKEN_TTL_MS = 5 * 60_000;

/** The login answer of a user who must still prove a second factor. */
export interface MfaChallenge {
  readonly mfaRequired: true;
  readonly mfaToken: Secret<string>;
  readonly methods: readonly FactorMethod[];
}

/**
 * What kind of session a login opens: a token session (its refresh tokens bound to the DPoP key
 * of that thumbprint, when given) or a browser (cookie) session.
 */
export type SessionBinding = (
  | {
      readonly mode: 'token';
      readonly dpopJkt?: string;
      /** The active org (id or slug) the first access token is for (issue 22 item 4); resolved at the grant, 404 when not a member. */
      readonly org?: string;
    }
  | { readonly mode: 'cookie' }
) & {
  /** The device token (cookie or body) the client presented, unverified: how a new-device alert knows the device (identity/security/). */
  readonly deviceToken?: string;
};

/**
 * Opens the session once both factors are proven (the login service's own path): its entry is
 * recorded first, then `alongside` runs and the session is stored (a refusal of `alongside`
 * leaves no session).
 */
export interface SessionGranter {
  grant(
    user: User,
    deviceName: string | undefined,
    context: RequestContext,
    method: FactorMethod,
    binding?: SessionBinding,
    alongside?: () => Promise<void>,
  ): Promise<TokenGrant | CookieGrant>;
}

/** A second factor that a later capability holds (a passkey): whether a user has one. */
export interface OtherFactor {
  readonly method: FactorMethod;
  has(userId: string): Promise<boolean>;
}

/**
 * Where a later capability says that a user may have another second factor (the passkeys
 * capability registers `passkey`): the MFA challenge, the MFA requirement for admins and step-up
 * all ask it, so a user with only a passkey is challenged, counts as enrolled, and may step up.
 */
export class OtherFactors {
  readonly #factors: OtherFactor[] = [];

  register(factor: OtherFactor): void {
    if (this.#factors.some((known) => known.method === factor.method)) throw new Error(`the ${factor.method} factor is registered twice`);
    this.#factors.push(factor);
  }

  /** The registered methods `userId` has, in registration order. */
  async methodsOf(userId: string): Promise<readonly FactorMethod[]> {
    const held: FactorMethod[] = [];
    for (const factor of this.#factors) if (await factor.has(userId)) held.push(factor.method);
    return held;
  }

  /** Whether `userId` has any registered factor. */
  async any(userId: string): Promise<boolean> {
    return (await this.methodsOf(userId)).length > 0;
  }
}

export interface MfaLoginOptions {
  readonly store: MfaStore;
  readonly users: UserStore;
  readonly factor: SecondFactor;
  readonly granter: SessionGranter;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** Second factors of later capabilities (passkeys); without it, TOTP only. */
  readonly otherFactors?: OtherFactors;
}

/** The refusal of a correct TOTP code whose time step was already accepted (second-factor.ts). */
export const CODE_ALREADY_USED =
  'This code was already used: each authenticator code works once, so wait for the next one (about 30 seconds) and enter it';

function tokenInvalid(): DomainError {
  return new DomainError('token_invalid', 'The MFA token is not valid: log in again');
}

export class MfaLogin {
  readonly #o: MfaLoginOptions;

  constructor(options: MfaLoginOptions) {
    this.#o = Object.freeze({ ...options });
  }

  /**
   * A challenge for `user` when a second factor is enrolled, else `undefined`. Its entry comes
   * first; then `alongside` (the rest of the password step's change) runs and the challenge is stored.
   */
  async challenge(
    user: User,
    deviceName: string | undefined,
    context: RequestContext,
    alongside?: () => Promise<void>,
  ): Promise<MfaChallenge | undefined> {
    const totp = (await this.#o.store.findTotp(user.id))?.confirmed === true;
    const others = (await this.#o.otherFactors?.methodsOf(user.id)) ?? [];
    // Only the methods this user has: a passkey-only user is not offered a TOTP code.
    const methods = Object.freeze([...(totp ? TOTP_METHODS : []), ...others]);
    if (methods.length === 0) return undefined;
    const token = newMfaToken();
    const hash = hashMfaToken(token);
    if (hash === null) throw new Error('a new mfa token does not have the mfa token shape');
    const event = userAuditEvent({ userId: user.id, action: 'auth.mfa.challenge', resource: user.id, context });
    await auditedChange(this.#o.audit, event, async () => {
      await alongside?.();
      const now = this.#o.clock.now();
      await this.#o.store.createChallenge(hash, { userId: user.id, deviceName: deviceName ?? null }, now, now + MFA_TOKEN_TTL_MS);
    });
    return Object.freeze({ mfaRequired: true, mfaToken: token, methods });
  }

  /**
   * The second step; `binding` is chosen on this request (the session opens here: a DPoP proof
   * or `mode: "cookie"` belongs on it, whatever the first step carried).
   */
  async verify(
    mfaToken: Secret<string>,
    code: Secret<string>,
    context: RequestContext,
    binding?: SessionBinding,
  ): Promise<TokenGrant | CookieGrant> {
    const hash = hashMfaToken(mfaToken);
    const now = this.#o.clock.now();
    const claim = hash === null ? undefined : await this.#o.store.spendAttempt(hash, now, MFA_MAX_ATTEMPTS);
    if (hash === null || claim === undefined) {
      await this.#record(null, 'auth.mfa.verify', context, 'token_invalid');
      throw tokenInvalid();
    }
    // The account's code budget (second-factor.ts) outlives this token: a new mfa_token does not reset it.
    const checked = await this.#o.factor.verify(claim.userId, code, context).catch(async (error: unknown) => {
      if (error instanceof DomainError && error.code === 'rate_limited')
        await this.#record(claim.userId, 'auth.mfa.verify', context, 'rate_limited');
      throw error;
    });
    if (!checked.ok) {
      const used = checked.reason === 'already_used';
      await this.#record(claim.userId, 'auth.mfa.verify', context, used ? 'code_already_used' : 'wrong_code');
      throw new DomainError('invalid_credentials', used ? CODE_ALREADY_USED : 'The code is not correct');
    }
    const method = checked.method;
    const user = await this.#o.users.findById(claim.userId);
    if (user === undefined || user.status !== 'active') {
      await this.#record(claim.userId, 'auth.mfa.verify', context, 'disabled');
      throw tokenInvalid();
    }
    // Consumed after the login's entry, with the session: a concurrent verify that consumed it
    // first leaves this one `not_applied:token_invalid` after its entry, and no session.
    const consume = async (): Promise<void> => {
      if ((await this.#o.store.consumeChallenge(hash, this.#o.clock.now())) === undefined) throw tokenInvalid();
    };
    return this.#o.granter.grant(user, claim.deviceName ?? undefined, context, method, binding, consume);
  }

  /**
   * The user of a pending challenge, for a factor proven elsewhere (passkey options): spends one
   * of the challenge's attempts, like a code; an unknown, expired, used or spent token is 401
   * `token_invalid` (audited as `auth.mfa.verify`).
   */
  async pendingUser(mfaToken: Secret<string>, context: RequestContext): Promise<string> {
    const hash = hashMfaToken(mfaToken);
    const claim = hash === null ? undefined : await this.#o.store.spendAttempt(hash, this.#o.clock.now(), MFA_MAX_ATTEMPTS);
    if (claim === undefined) {
      await this.#record(null, 'auth.mfa.verify', context, 'token_invalid');
      throw tokenInvalid();
    }
    return claim.userId;
  }

  /**
   * The second step with a factor another capability proved for `userId` (`method`, e.g. a
   * passkey assertion): spends the challenge exactly as {@link verify} does — an attempt, then,
   * for the challenge's own user only, the consumption with the session, after the `auth.login`
   * entry naming the method. A token of another user is `token_invalid`, nothing opened.
   */
  async completeProven(
    mfaToken: Secret<string>,
    proven: { readonly userId: string; readonly method: FactorMethod },
    context: RequestContext,
    binding?: SessionBinding,
  ): Promise<TokenGrant | CookieGrant> {
    const hash = hashMfaToken(mfaToken);
    const claim = hash === null ? undefined : await this.#o.store.spendAttempt(hash, this.#o.clock.now(), MFA_MAX_ATTEMPTS);
    if (hash === null || claim === undefined || claim.userId !== proven.userId) {
      await this.#record(claim?.userId ?? null, 'auth.mfa.verify', context, 'token_invalid');
      throw tokenInvalid();
    }
    const user = await this.#o.users.findById(claim.userId);
    if (user === undefined || user.status !== 'active') {
      await this.#record(claim.userId, 'auth.mfa.verify', context, 'disabled');
      throw tokenInvalid();
    }
    const consume = async (): Promise<void> => {
      if ((await this.#o.store.consumeChallenge(hash, this.#o.clock.now())) === undefined) throw tokenInvalid();
    };
    return this.#o.granter.grant(user, claim.deviceName ?? undefined, context, proven.method, binding, consume);
  }

  async #record(userId: string | null, action: AuditAction, context: RequestContext, reason?: string): Promise<void> {
    await this.#o.audit.record({
      org: SYSTEM_ORG_SLUG,
      actor: { type: 'user', id: userId },
      action,
      resource: userId ?? 'unknown_challenge',
      result: reason === undefined ? 'success' : 'failure',
      ...(reason === undefined ? {} : { reason }),
      sourceIp: context.ip,
      requestId: context.requestId,
      ...(context.userAgent === undefined ? {} : { userAgent: context.userAgent }),
      ...(userId === null ? {} : { subject: userId }),
    });
  }
}
