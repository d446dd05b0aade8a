import { systemClock, type Clock } from '../../ports/clock.js';
import { checkRateLimitArguments, type RateLimiter, type RateLimitResult } from '../../ports/rate-limiter.js';

interface Window {
  count: number;
  resetAt: number;
}

const SWEEP_INTERVAL_MS = 10_000;

/**
 * Fixed-window counters in one process: the reference {@link RateLimiter} and the default
 * without Redis. Bounded: expired windows are swept, and a new key past `maxKeys` drops the
 * oldest window. Only a new key evicts: a caller already counted never pushes out its own window
 * (that restarted its count, so it passed the limit on every hit).
 */
export class MemoryRateLimiter implements RateLimiter {
  readonly #windows = new Map<string, Window>();
  readonly #clock: Clock;
  readonly #maxKeys: number;
  #nextSweep = 0;

  constructor(options: { clock?: Clock; maxKeys?: number } = {}) {
    const maxKeys = options.maxKeys ?? 100_000;
    if (!Number.isSafeInteger(maxKeys) || maxKeys < 1) throw new RangeError('maxKeys must be a positive integer');
    this.#clock = options.clock ?? systemClock;
    this.#maxKeys = maxKeys;
  }

  /** How many windows are held: never more than `maxKeys`. */
  get size(): number {
    return this.#windows.size;
  }

  hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    try {
      return Promise.resolve(this.hitNow(key, limit, windowMs));
    } catch (error) {
      return Promise.reject(error as RangeError);
    }
  }

  hitNow(key: string, limit: number, windowMs: number): RateLimitResult {
    checkRateLimitArguments(limit, windowMs);
    const now = this.#clock.now();
    this.#sweep(now);
    let window = this.#windows.get(key);
    if (window === undefined || window.resetAt <= now) {
      // Delete first: re-inserting moves the key to the end, so Map order stays oldest-first.
      this.#windows.delete(key);
      this.#makeRoom();
      window = { count: 0, resetAt: now + windowMs };
      this.#windows.set(key, window);
    }
    window.count++;
    return {
      allowed: window.count <= limit,
      limit,
      remaining: Math.max(0, limit - window.count),
      resetMs: window.resetAt - now,
    };
  }

  #sweep(now: number): void {
    if (now < this.#nextSweep) return;
    this.#nextSweep = now + SWEEP_INTERVAL_MS;
    for (const [key, window] of this.#windows) if (window.resetAt <= now) this.#windows.delete(key);
  }

  /** Drops the oldest windows until one more fits. Map iteration is insertion order: oldest first. */
  #makeRoom(): void {
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
