/**
 * The {@link RateLimiter} contract: what every adapter (memory, Redis) must do, as one suite that
 * takes a factory. The port's TSDoc states the guarantees; each case here checks one of them.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RateLimiter, RateLimitResult } from '../../src/kernel/ports/rate-limiter.js';

/** One limiter under test, and the instances that share its store. */
export interface RateLimiterFixture {
  readonly limiter: RateLimiter;
  /**
   * Limiters of other "instances" over the same backing store (Redis: other connections). The
   * memory adapter has none: it is one process by definition.
   */
  readonly peers: readonly RateLimiter[];
  /** The window the expiry case uses: short for a real store, anything for a fake clock. */
  readonly shortWindowMs: number;
  /** Returns once `key`'s current window (of `windowMs`) has passed: a fake clock moves, or the store's real expiry is awaited. */
  windowPasses(key: string, windowMs: number): Promise<void>;
  cleanup(): Promise<void>;
}

const WINDOW = 60_000;

function fresh(label: string): string {
  return `${label}:${randomBytes(6).toString('hex')}`;
}

async function hits(limiter: RateLimiter, key: string, count: number, limit: number, windowMs = WINDOW): Promise<RateLimitResult[]> {
  const results: RateLimitResult[] = [];
  for (let i = 0; i < count; i++) results.push(await limiter.hit(key, limit, windowMs));
  return results;
}

export function rateLimiterContract(name: string, create: () => Promise<RateLimiterFixture>): void {
  describe(`RateLimiter contract: ${name}`, () => {
    let fixture: RateLimiterFixture;

    beforeEach(async () => {
      fixture = await create();
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    it('allows exactly `limit` hits in a window, then refuses', async () => {
      const key = fresh('exact');
      const results = await hits(fixture.limiter, key, 8, 5);
      expect(results.map((r) => r.allowed)).toEqual([true, true, true, true, true, false, false, false]);
      expect(results.every((r) => r.limit === 5)).toBe(true);
    });

    it('counts `remaining` down to zero and never below', async () => {
      const key = fresh('remaining');
      const results = await hits(fixture.limiter, key, 6, 3);
      expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0, 0, 0]);
    });

    it('reports a reset that is more than 0 and at most the window', async () => {
      const key = fresh('reset');
      for (const result of await hits(fixture.limiter, key, 4, 2, 30_000)) {
        expect(result.resetMs).toBeGreaterThan(0);
        expect(result.resetMs).toBeLessThanOrEqual(30_000);
      }
    });

    it('starts a new window with a full budget once the window has passed', async () => {
      const key = fresh('window');
      const windowMs = fixture.shortWindowMs;
      const first = await hits(fixture.limiter, key, 3, 2, windowMs);
      expect(first.map((r) => r.allowed)).toEqual([true, true, false]);
      await fixture.windowPasses(key, windowMs);
      const next = await fixture.limiter.hit(key, 2, windowMs);
      expect(next).toMatchObject({ allowed: true, remaining: 1 });
    });

    it('keeps keys apart: one caller exhausting its budget leaves another untouched', async () => {
      const noisy = fresh('noisy');
      const quiet = fresh('quiet');
      await hits(fixture.limiter, noisy, 10, 3);
      const result = await fixture.limiter.hit(quiet, 3, WINDOW);
      expect(result).toMatchObject({ allowed: true, remaining: 2 });
    });

    it('allows exactly `limit` of 200 concurrent hits, each count given out once', async () => {
      const key = fresh('concurrent');
      const limiters = [fixture.limiter, ...fixture.peers];
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => (limiters[i % limiters.length] as RateLimiter).hit(key, 50, WINDOW)),
      );
      const allowed = results.filter((r) => r.allowed);
      expect(allowed).toHaveLength(50);
      // Atomic counting hands each position out exactly once: remaining 49, 48, …, 0.
      expect(allowed.map((r) => r.remaining).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    });

    it('refuses a limit or window that is not a positive integer', async () => {
      const key = fresh('invalid');
      for (const [limit, windowMs] of [
        [0, WINDOW],
        [-1, WINDOW],
        [1.5, WINDOW],
        [Number.NaN, WINDOW],
        [Number.POSITIVE_INFINITY, WINDOW],
        [5, 0],
        [5, 0.5],
        [5, Number.NaN],
        [5, Number.POSITIVE_INFINITY],
      ] as const) {
        await expect(fixture.limiter.hit(key, limit, windowMs), `limit ${limit}, window ${windowMs}`).rejects.toBeInstanceOf(RangeError);
      }
      // Nothing was counted by the refused calls.
      expect(await fixture.limiter.hit(key, 5, WINDOW)).toMatchObject({ allowed: true, remaining: 4 });
    });
  });
}
