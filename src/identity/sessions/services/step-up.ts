/**
 * Step-up (docs/decisions/012-step-up.md): the changes that would let a stolen session take the
 * account over — enrolling a second factor, creating an API key — need a fresh authentication.
 * Rules:
 * 1. a session is fresh while `now - authenticatedAt` is within RAMPART_STEP_UP_WINDOW; a login
 *    sets `authenticatedAt`, and so does a step-up or a password change (its current password is
 *    the proof); refreshing tokens or rotating a cookie does not;
 * 2. a stale session, or a user principal without a session, is refused with 401
 *    `step_up_required` whose `methods` lists what satisfies it for this account (`password` when
 *    it has one, `totp` and `recovery_code` when a second factor is confirmed);
 * 3. a step-up proves one of those methods on the caller's own session; every attempt first spends
 *    the account's guess budget for that secret (sessions/services/guess-budget.ts), so this route
 *    is no oracle: past the budget 429, whatever the secret;
 * 4. every attempt and every refusal for want of a step-up is audited (`auth.step_up`), never the
 *    password or the code; a success is recorded before the session changes (fail closed);
 * 5. a factor another capability proves on the caller's own session (a passkey assertion, with
 *    user verification) marks it fresh the same way ({@link StepUp.proven}), for the same window.
 */
import { auditedChange } from '../../../kernel/audited-change.js';
import { DomainError } from '../../../kernel/domain/errors.js';
import type { Secret } from '../../../kernel/domain/secret.js';
import { userAuditEvent, type RequestContext } from '../../../kernel/domain/request-context.js';
import type { AuditAction } from '../../../kernel/domain/audit-entry.js';
import type { AuditLog } from '../../../kernel/ports/audit-log.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { PasswordHasher } from '../../accounts/crypto/password-hasher.js';
import type { UserStore } from '../../accounts/ports/user-store.js';
import type { FactorMethod, SecondFactor } from '../../mfa/services/second-factor.js';
import type { SessionStore } from '../ports/session-store.js';
import type { GuessBudget } from './guess-budget.js';

/** What satisfies a step-up. */
export type StepUpMethod = 'password' | FactorMethod;

/** The proof a step-up carries: the password, or a TOTP or recovery code. */
export type StepUpProof = { readonly password: Secret<string> } | { readonly code: Secret<string> };

export interface StepUpOptions {
  readonly sessions: Pick<SessionStore, 'find' | 'markAuthenticated'>;
  readonly users: Pick<UserStore, 'findById'>;
  readonly hasher: Pick<PasswordHasher, 'verify'>;
  readonly factor: Pick<SecondFactor, 'check'>;
  readonly mfa: { isEnabled(userId: string): Promise<boolean> };
  /** Second factors of later capabilities (passkeys): listed in `methods` when the user has them. */
  readonly otherFactors?: { methodsOf(userId: string): Promise<readonly FactorMethod[]> };
  readonly budget: Pick<GuessBudget, 'spend'>;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** RAMPART_STEP_UP_WINDOW, seconds. */
  readonly windowSeconds: number;
}

/** A successful step-up: how, and until when the session is fresh (ms). */
export interface SteppedUp {
  readonly method: StepUpMethod;
  readonly freshUntil: number;
}

const ACTION = 'auth.step_up' satisfies AuditAction;

export class StepUp {
  readonly #o: StepUpOptions;
  readonly #windowMs: number;

  constructor(options: StepUpOptions) {
    if (!Number.isSafeInteger(options.windowSeconds) || options.windowSeconds < 1) {
      throw new RangeError('the step-up window must be a positive integer of seconds');
    }
    this.#o = Object.freeze({ ...options });
    this.#windowMs = options.windowSeconds * 1000;
  }

  /** The methods that satisfy a step-up for `userId`, in a stable order. */
  async methods(userId: string): Promise<readonly StepUpMethod[]> {
    const user = await this.#o.users.findById(userId);
    const methods: StepUpMethod[] = [];
    if (user?.passwordHash != null) methods.push('password');
    if (user !== undefined && (await this.#o.mfa.isEnabled(userId))) methods.push('totp', 'recovery_code');
    if (user !== undefined) methods.push(...((await this.#o.otherFactors?.methodsOf(userId)) ?? []));
    return methods;
  }

  /** Resolves when `sessionId` is `userId`'s live session and fresh; else 401 `step_up_required`. */
  async require(userId: string, sessionId: string | undefined, context: RequestContext, route: string): Promise<void> {
    const now = this.#o.clock.now();
    const session = sessionId === undefined ? undefined : await this.#o.sessions.find(sessionId);
    const fresh =
      session !== undefined &&
      session.userId === userId &&
      session.revokedAt === null &&
      session.authenticatedAt <= now &&
      now - session.authenticatedAt <= this.#windowMs;
    if (fresh) return;
    await this.#record(userId, context, 'step_up_required', { route });
    throw new DomainError('step_up_required', 'This change needs a fresh authentication: POST /api/v1/auth/step-up first', {
      extensions: { methods: await this.methods(userId) },
    });
  }

  /** Proves `proof` on the caller's own session and marks it fresh. */
  async prove(userId: string, sessionId: string | undefined, proof: StepUpProof, context: RequestContext): Promise<SteppedUp> {
    if (sessionId === undefined) throw new DomainError('forbidden', 'Only a signed-in session can step up');
    const user = await this.#o.users.findById(userId);
    if (user === undefined || user.status !== 'active') throw new DomainError('session_revoked', 'The account is no longer active');
    const method = await this.#check(userId, user.passwordHash, proof, context);
    const now = this.#o.clock.now();
    await auditedChange(
      this.#o.audit,
      userAuditEvent({ userId, action: ACTION, resource: sessionId, context, details: { method } }),
      async () => {
        if (!(await this.#o.sessions.markAuthenticated(sessionId, userId, now))) {
          throw new DomainError('session_revoked', 'This session is no longer active');
        }
      },
    );
    return Object.freeze({ method, freshUntil: now + this.#windowMs });
  }

  /**
   * Marks the caller's own session fresh after `method` was proven elsewhere (a passkey assertion
   * the passkeys capability verified for `userId`), recorded as `auth.step_up` first.
   */
  async proven(userId: string, sessionId: string | undefined, method: FactorMethod, context: RequestContext): Promise<SteppedUp> {
    if (sessionId === undefined) throw new DomainError('forbidden', 'Only a signed-in session can step up');
    const user = await this.#o.users.findById(userId);
    if (user === undefined || user.status !== 'active') throw new DomainError('session_revoked', 'The account is no longer active');
    const now = this.#o.clock.now();
    await auditedChange(
      this.#o.audit,
      userAuditEvent({ userId, action: ACTION, resource: sessionId, context, details: { method } }),
      async () => {
        if (!(await this.#o.sessions.markAuthenticated(sessionId, userId, now))) {
          throw new DomainError('session_revoked', 'This session is no longer active');
        }
      },
    );
    return Object.freeze({ method, freshUntil: now + this.#windowMs });
  }

  /** The method `proof` satisfies, after spending the budget of its secret; 401 or 429 otherwise. */
  async #check(userId: string, passwordHash: string | null, proof: StepUpProof, context: RequestContext): Promise<StepUpMethod> {
    try {
      if ('password' in proof) {
        await this.#o.budget.spend(userId, 'password');
        if (passwordHash !== null && (await this.#o.hasher.verify(passwordHash, proof.password)).ok) return 'password';
      } else {
        const method = await this.#o.factor.check(userId, proof.code, context);
        if (method !== null) return method;
      }
    } catch (error) {
      if (error instanceof DomainError && error.code === 'rate_limited') await this.#record(userId, context, 'rate_limited');
      throw error;
    }
    await this.#record(userId, context, 'password' in proof ? 'wrong_password' : 'wrong_code');
    throw new DomainError('invalid_credentials', 'The password or code is not correct');
  }

  async #record(userId: string, context: RequestContext, reason: string, details?: Readonly<Record<string, unknown>>): Promise<void> {
    await this.#o.audit.record(
      userAuditEvent({ userId, action: ACTION, resource: userId, context, reason, ...(details === undefined ? {} : { details }) }),
    );
  }
}
