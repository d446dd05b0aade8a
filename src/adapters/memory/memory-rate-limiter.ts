import { systemClock, type Clock } from '../../ports/clock.js';
import type { RateLimiter, RateLimitResult } from '../../ports/rate-limiter.js';

interface Window {
  count: number;
  resetAt: number;
}

/**
 * Fixed-window counters in one process: the reference {@link RateLimiter} and the default
 * without Redis. Bounded: expired windows are swept, and past `maxKeys` the oldest are dropped.
 */
export class MemoryRateLimiter implements RateLimiter {
  readonly #windows = new Map<string, Window>();
  readonly #clock: Clock;
  readonly #maxKeys: number;
  #nextSweep = 0;

  constructor(options: { clock?: Clock; maxKeys?: number } = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#maxKeys = options.maxKeys ?? 100_000;
  }

  hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    const now = this.#clock.now();
    this.#sweep(now);
    let window = this.#windows.get(key);
    if (window === undefined || window.resetAt <= now) {
      window = { count: 0, resetAt: now + windowMs };
      this.#windows.delete(key);
      this.#windows.set(key, window);
    }
    window.count++;
    return Promise.resolve({
      allowed: window.count <= limit,
      limit,
      remaining: Math.max(0, limit - window.count),
      resetMs: window.resetAt - now,
    });
  }

  #sweep(now: number): void {
    if (now >= this.#nextSweep) {
      this.#nextSweep = now + 10_000;
      for (const [key, window] of this.#windows) if (window.resetAt <= now) this.#windows.delete(key);
    }
    // Map iteration is insertion order: the first keys are the oldest windows.
    while (this.#windows.size >= this.#maxKeys) {
      const oldest = this.#windows.keys().next();
      if (oldest.done === true) break;
      this.#windows.delete(oldest.value);
    }
  }

  close(): Promise<void> {
    this.#windows.clear();
    return Promise.resolve();
  }
}
