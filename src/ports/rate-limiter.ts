/** The state of one rate-limit window after a hit was counted. */
export interface RateLimitResult {
  /** Whether this hit is within the limit. */
  readonly allowed: boolean;
  readonly limit: number;
  /** Hits left in the window after this one (never negative). */
  readonly remaining: number;
  /** Milliseconds until the window resets. */
  readonly resetMs: number;
}

/**
 * Counts hits per key in fixed windows.
 *
 * Guarantees: `hit` is atomic — with N concurrent callers on any number of instances sharing the
 * same backing store, exactly `limit` hits of one window are allowed. Keys of different callers
 * never interfere. A failure of the backing store rejects the promise (the caller fails closed).
 */
export interface RateLimiter {
  hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult>;
  close(): Promise<void>;
}
