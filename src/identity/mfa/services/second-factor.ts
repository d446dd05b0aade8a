/**
 * Checks a second-factor code of a user with a confirmed TOTP enrolment. Rules:
 * 1. every check first spends one attempt of the user's guess budget for that kind of code
 *    (sessions/services/guess-budget.ts), before anything is compared: past the budget the check
 *    is refused with 429 whatever the code, so no route that takes a code is an unlimited oracle;
 * 2. a code of the TOTP's digits is a TOTP code: it matches within ±1 step (RFC 6238 §5.2) and its
 *    step must be later than the last accepted one — the store's compare-and-set — so a code is
 *    accepted once;
 * 3. anything else is tried as a recovery code, consumed by one guarded statement (single use
 *    even under concurrency);
 * 4. the secret is opened only here, never logged, never returned.
 */
import type { RequestContext } from '../../../kernel/domain/request-context.js';
import type { SecurityEventRecorder } from '../../security/domain/security-event.js';
import { hashRecoveryCode } from '../crypto/recovery-codes.js';
import type { Totp } from '../crypto/totp.js';
import { openTotpSecret } from '../crypto/totp-secret-seal.js';
import type { Secret } from '../../../kernel/domain/secret.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { MfaStore } from '../ports/mfa-store.js';
import type { GuessBudget } from '../../sessions/services/guess-budget.js';

/**
 * How a second factor was proven (the login answer's `methods`). `passkey` is proven by the
 * passkeys capability (a WebAuthn assertion), never by {@link SecondFactor.check}.
 */
export type FactorMethod = 'totp' | 'recovery_code' | 'passkey';

export const FACTOR_METHODS: readonly FactorMethod[] = Object.freeze(['totp', 'recovery_code', 'passkey']);

/** The methods a confirmed TOTP enrolment gives. */
export const TOTP_METHODS: readonly FactorMethod[] = Object.freeze(['totp', 'recovery_code']);

/**
 * What a code check found: the method that accepted it, or why not — `already_used` only for a
 * TOTP code that is correct for this account but whose step was already accepted (a replay, or
 * the same code typed twice), so that the message helps the owner and tells a guesser nothing it
 * did not already know; every other refusal is `wrong`.
 */
export type FactorCheck =
  { readonly ok: true; readonly method: FactorMethod } | { readonly ok: false; readonly reason: 'wrong' | 'already_used' };

export class SecondFactor {
  readonly #store: MfaStore;
  readonly #totp: Totp;
  readonly #sealKey: Secret<Buffer>;
  readonly #clock: Clock;
  readonly #budget: Pick<GuessBudget, 'spend'>;
  readonly #events: SecurityEventRecorder | undefined;

  /** `events`: tells the owner when a recovery code is spent (identity/security/). */
  constructor(
    store: MfaStore,
    totp: Totp,
    sealKey: Secret<Buffer>,
    clock: Clock,
    budget: Pick<GuessBudget, 'spend'>,
    events?: SecurityEventRecorder,
  ) {
    this.#store = store;
    this.#totp = totp;
    this.#sealKey = sealKey;
    this.#clock = clock;
    this.#budget = budget;
    this.#events = events;
  }

  /**
   * The method that accepted `code` (and spent it), or `null`: wrong, replayed, used, or no MFA.
   * Rejects with 429 `rate_limited` once the user's attempts at this kind of code are spent.
   */
  async check(userId: string, code: Secret<string>, context?: RequestContext): Promise<FactorMethod | null> {
    const result = await this.verify(userId, code, context);
    return result.ok ? result.method : null;
  }

  /** {@link check}, telling a correct but already spent TOTP code (`already_used`) from a wrong one. */
  async verify(userId: string, code: Secret<string>, context?: RequestContext): Promise<FactorCheck> {
    const wrong: FactorCheck = { ok: false, reason: 'wrong' };
    const enrolment = await this.#store.findTotp(userId);
    if (enrolment === undefined || !enrolment.confirmed) return wrong;
    const looksTotp = new RegExp(`^[0-9]{${this.#totp.digits}}$`).test(code.reveal().replace(/\s+/g, ''));
    await this.#budget.spend(userId, looksTotp ? 'totp' : 'recovery_code');
    if (looksTotp) {
      const step = this.#totp.verify(openTotpSecret(this.#sealKey, userId, enrolment.secretSealed), code);
      if (step === null) return wrong;
      // RFC 6238 §5.2: a step is accepted once; a correct code of a spent step is a replay.
      return (await this.#store.acceptStep(userId, step)) ? { ok: true, method: 'totp' } : { ok: false, reason: 'already_used' };
    }
    const hash = hashRecoveryCode(userId, code);
    if (hash !== null && (await this.#store.consumeRecoveryCode(userId, hash, this.#clock.now()))) {
      // Spent: the owner is told (a recovery code used by someone else is a takeover in progress).
      await this.#events?.record({ userId, kind: 'recovery_code_used', ...(context === undefined ? {} : { context }) });
      return { ok: true, method: 'recovery_code' };
    }
    return wrong;
  }
}
