/**
 * One budget per account for each secret a caller can guess (docs/decisions/012-step-up.md):
 * the password, a TOTP code, a recovery code. Every route that checks one of them for an existing
 * session or an `mfa_token` spends one attempt here BEFORE the check — right or wrong — so:
 * - no route is an oracle beyond the budget: `DELETE /me/mfa/totp`, `POST /me/password`,
 *   `/auth/mfa/verify`, `/auth/step-up` and `DELETE /me`'s second factor share the counters;
 * - a new `mfa_token`, a new session or a success resets nothing: the window runs out, nothing else;
 * - the count is the {@link RateLimiter}'s atomic hit, shared by every instance when Redis is
 *   configured; a limiter that fails refuses the attempt (503, fail closed).
 * The keys hold the user id and the kind of secret, never the secret.
 */
import { DomainError } from '../../../kernel/domain/errors.js';
import { RetryLaterError } from '../../../kernel/domain/retry-later-error.js';
import type { RateLimiter, RateLimitResult } from '../../../kernel/ports/rate-limiter.js';

/** A secret a caller can guess, each with its own budget per account. */
export type GuessedSecret = 'password' | 'totp' | 'recovery_code';

export interface GuessBudgetOptions {
  readonly limiter: RateLimiter;
  /** Attempts per account and kind of secret within one window. */
  readonly limit: number;
  /** The window, in ms. */
  readonly windowMs: number;
}

export class GuessBudget {
  readonly #o: GuessBudgetOptions;

  constructor(options: GuessBudgetOptions) {
    if (!Number.isSafeInteger(options.limit) || options.limit < 1) throw new RangeError('the guess budget must be a positive integer');
    if (!Number.isSafeInteger(options.windowMs) || options.windowMs < 1)
      throw new RangeError('the guess window must be a positive integer');
    this.#o = Object.freeze({ ...options });
  }

  /**
   * Spends one attempt of `userId` at guessing `kind`. Rejects with {@link RetryLaterError} (429,
   * `Retry-After`) once the window's attempts are spent, and with 503 when the limiter fails.
   */
  async spend(userId: string, kind: GuessedSecret): Promise<void> {
    let result: RateLimitResult;
    try {
      result = await this.#o.limiter.hit(`guess:${kind}:${userId}`, this.#o.limit, this.#o.windowMs);
    } catch (cause) {
      throw new DomainError('service_unavailable', 'The rate limiter is not available; try again shortly', { cause });
    }
    if (!result.allowed) throw new RetryLaterError(result.resetMs / 1000, 'Too many attempts at this secret; retry later');
  }
}
