/**
 * The login limits (docs/decisions/011-login-throttling.md), counted through the
 * {@link RateLimiter} port — atomic, and shared by every instance when Redis is configured — and
 * always consumed before any password is hashed, so N concurrent attempts can never get more than
 * the limit through:
 * - per source (an IPv4 address, an IPv6 /64): 10 × RAMPART_LOGIN_RATE_LIMIT attempts a minute;
 * - per (account, source): RAMPART_LOGIN_RATE_LIMIT attempts a minute;
 * - per account, untrusted attempts only: RAMPART_LOGIN_ACCOUNT_LIMIT attempts in a fixed
 *   15-minute window, the same for an existing and an unknown email;
 * - per device token: RAMPART_LOGIN_RATE_LIMIT attempts a minute, whatever the source: a copied
 *   device token spread over many addresses is held to that, and past it the attempt is no
 *   longer trusted (the caller falls back to the account-wide limit).
 * Keys hold a SHA-256 of the email, never the address itself.
 */
import { sha256 } from '../../../kernel/crypto/digest.js';
import { DomainError } from '../../../kernel/domain/errors.js';
import { RetryLaterError } from '../../../kernel/domain/retry-later-error.js';
import type { RateLimiter, RateLimitResult } from '../../../kernel/ports/rate-limiter.js';
import { loginSourceKey } from '../domain/login-source.js';

const MINUTE = 60_000;
/** The account-wide window of untrusted attempts. */
export const ACCOUNT_WINDOW_MS = 15 * MINUTE;

export interface LoginLimits {
  /** Attempts per minute per (account, source); 10× that per source. */
  readonly perMinute: number;
  /** Untrusted attempts per account per {@link ACCOUNT_WINDOW_MS}. */
  readonly accountWindow: number;
}

export class LoginLimiter {
  readonly #limiter: RateLimiter;
  readonly #limits: LoginLimits;

  constructor(limiter: RateLimiter, limits: LoginLimits | number) {
    const resolved = typeof limits === 'number' ? { perMinute: limits, accountWindow: 20 } : limits;
    for (const [name, value] of Object.entries(resolved)) {
      if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`the login limit ${name} must be a positive integer`);
    }
    this.#limiter = limiter;
    this.#limits = Object.freeze({ ...resolved });
  }

  /** Counts one attempt from `ip` (counted by its source: IPv6 by /64) at `email`; the password checks outside login use it. */
  check(ip: string, email: string): Promise<void> {
    return this.checkSource(loginSourceKey(ip), email);
  }

  /** Counts one attempt of `source` at `email`; rejects with {@link RetryLaterError} past either limit, 503 when the limiter fails. */
  async checkSource(source: string, email: string): Promise<void> {
    const account = accountKey(email);
    const { perMinute } = this.#limits;
    refuseIfOver(
      await this.#hits([
        [`login:ip:${source}`, perMinute * 10, MINUTE],
        [`login:ip-account:${source}|${account}`, perMinute, MINUTE],
      ]),
    );
  }

  /** Counts one untrusted attempt at `email`'s account; past the window's budget rejects with {@link RetryLaterError}. */
  async checkAccount(email: string): Promise<void> {
    refuseIfOver(await this.#hits([[`login:account:${accountKey(email)}`, this.#limits.accountWindow, ACCOUNT_WINDOW_MS]]));
  }

  /** Counts one attempt with the device token `deviceId`; `false` once its budget is spent (the token then earns no trust). */
  async withinDeviceBudget(deviceId: string): Promise<boolean> {
    const [result] = await this.#hits([[`login:device:${deviceId}`, this.#limits.perMinute, MINUTE]]);
    return result?.allowed === true;
  }

  async #hits(keys: readonly (readonly [string, number, number])[]): Promise<RateLimitResult[]> {
    try {
      return await Promise.all(keys.map(([key, limit, windowMs]) => this.#limiter.hit(key, limit, windowMs)));
    } catch (cause) {
      throw new DomainError('service_unavailable', 'The rate limiter is not available; try again shortly', { cause });
    }
  }
}

function accountKey(email: string): string {
  return sha256(email).toString('base64url');
}

function refuseIfOver(results: readonly RateLimitResult[]): void {
  const refused = results.filter((result) => !result.allowed);
  if (refused.length === 0) return;
  const waitMs = Math.max(...refused.map((result) => result.resetMs));
  throw new RetryLaterError(waitMs / 1000, 'Too many sign-in attempts; retry later');
}
