/**
 * Login-specific rate limits (spec: RAMPART_LOGIN_RATE_LIMIT attempts per minute per (IP,
 * account), 10× that per IP), counted through the {@link RateLimiter} port — so shared by every
 * instance when Redis is configured. The route's own limit counts per caller only; guessing one
 * account from many addresses is slowed by the per-account backoff (identity/accounts/domain/user.ts) instead.
 * Keys hold a SHA-256 of the email, never the address itself.
 */
import { sha256 } from '../../../kernel/crypto/digest.js';
import { DomainError } from '../../../kernel/domain/errors.js';
import { RetryLaterError } from '../../../kernel/domain/retry-later-error.js';
import type { RateLimiter, RateLimitResult } from '../../../kernel/ports/rate-limiter.js';

const MINUTE = 60_000;

export class LoginLimiter {
  readonly #limiter: RateLimiter;
  readonly #perMinute: number;

  constructor(limiter: RateLimiter, perMinute: number) {
    if (!Number.isSafeInteger(perMinute) || perMinute < 1) throw new RangeError('the login rate limit must be a positive integer');
    this.#limiter = limiter;
    this.#perMinute = perMinute;
  }

  /** Counts one attempt; rejects with {@link RetryLaterError} past either limit, 503 when the limiter fails. */
  async check(ip: string, email: string): Promise<void> {
    const account = sha256(email).toString('base64url');
    let results: RateLimitResult[];
    try {
      results = await Promise.all([
        this.#limiter.hit(`login:ip:${ip}`, this.#perMinute * 10, MINUTE),
        this.#limiter.hit(`login:ip-account:${ip}|${account}`, this.#perMinute, MINUTE),
      ]);
    } catch (cause) {
      throw new DomainError('service_unavailable', 'The rate limiter is not available; try again shortly', { cause });
    }
    const refused = results.filter((result) => !result.allowed);
    if (refused.length > 0) {
      const waitMs = Math.max(...refused.map((result) => result.resetMs));
      throw new RetryLaterError(waitMs / 1000, 'Too many sign-in attempts; retry later');
    }
  }
}
