/**
 * The per-account guessing budget (src/identity/sessions/services/guess-budget.ts) on the memory
 * rate limiter and a fake clock: one budget per (account, kind of secret), every attempt counted,
 * 429 with the window's rest past it, 503 when the limiter fails, and a nonsense limit refused at
 * construction.
 */
import { describe, expect, it } from 'vitest';
import { GuessBudget } from '../../../src/identity/sessions/services/guess-budget.js';
import { MemoryRateLimiter } from '../../../src/kernel/adapters/memory/memory-rate-limiter.js';
import { DomainError } from '../../../src/kernel/domain/errors.js';
import { RetryLaterError } from '../../../src/kernel/domain/retry-later-error.js';
import type { RateLimiter } from '../../../src/kernel/ports/rate-limiter.js';
import { FakeClock } from '../../helpers/fake-clock.js';

describe('GuessBudget', () => {
  it('hardening 9: counts each attempt per (account, secret) and refuses past the limit with the rest of the window', async () => {
    const clock = new FakeClock();
    const budget = new GuessBudget({ limiter: new MemoryRateLimiter({ clock }), limit: 3, windowMs: 60_000 });
    for (let i = 0; i < 3; i += 1) await budget.spend('usr_a', 'totp');
    clock.advance(20_000);
    const refused = await budget.spend('usr_a', 'totp').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RetryLaterError);
    expect(refused).toMatchObject({ code: 'rate_limited', retryAfterSeconds: 40 });
    // Another secret of the same account, and the same secret of another account, have their own budgets.
    await budget.spend('usr_a', 'recovery_code');
    await budget.spend('usr_a', 'password');
    await budget.spend('usr_b', 'totp');
    // Only the window's end restores it.
    clock.advance(40_000);
    await budget.spend('usr_a', 'totp');
  });

  it('hardening 9: a failing limiter refuses the attempt (503), it does not let it through', async () => {
    const broken: RateLimiter = { hit: () => Promise.reject(new Error('redis down')), close: () => Promise.resolve() };
    const budget = new GuessBudget({ limiter: broken, limit: 3, windowMs: 60_000 });
    const refused = await budget.spend('usr_a', 'password').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code: 'service_unavailable' });
    expect((refused as DomainError).detail).not.toContain('redis');
  });

  it('hardening 9: a limit or window that is not a positive integer is refused at construction', () => {
    const limiter = new MemoryRateLimiter();
    expect(() => new GuessBudget({ limiter, limit: 0, windowMs: 60_000 })).toThrow(RangeError);
    expect(() => new GuessBudget({ limiter, limit: Number.NaN, windowMs: 60_000 })).toThrow(RangeError);
    expect(() => new GuessBudget({ limiter, limit: 3, windowMs: 0.5 })).toThrow(RangeError);
  });
});
