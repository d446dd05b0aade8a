/** The state of one rate-limit window after a hit was counted. */
export interface RateLimitResult {
  /** Whether this hit is within the limit. */
  readonly allowed: boolean;
  readonly limit: number;
  /** Hits left in the window after this one (never negative). */
  readonly remaining: number;
  /** Milliseconds until the window resets: more than 0, at most the window. */
  readonly resetMs: number;
}

/**
 * Counts hits per key in fixed windows.
 *
 * Guarantees (test/contract/rate-limiter.contract.ts checks each, on every adapter):
 * - `hit` is atomic: with N concurrent callers on any number of instances sharing the same
 *   backing store, exactly `limit` hits of one window are allowed, each count given out once;
 * - once a window has passed, the next hit starts a new one with the whole budget;
 * - keys of different callers never interfere;
 * - a `limit` or `windowMs` that is not a positive safe integer rejects with a `RangeError`
 *   (and counts nothing): a NaN limit must not quietly mean "unlimited" or "refuse all";
 * - a failure of the backing store rejects the promise: the caller fails closed.
 */
export interface RateLimiter {
  hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult>;
  /**
   * The same count as {@link RateLimiter.hit}, answered without I/O, by an adapter whose store is
   * in the process (memory): the request path then needs no promise. Absent on adapters with a
   * remote store. Throws the same `RangeError`.
   */
  hitNow?(key: string, limit: number, windowMs: number): RateLimitResult;
  close(): Promise<void>;
}

/** Throws the port's `RangeError` unless `limit` and `windowMs` are positive safe integers. */
export function checkRateLimitArguments(limit: number, windowMs: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError('rate limit must be a positive integer');
  if (!Number.isSafeInteger(windowMs) || windowMs < 1) throw new RangeError('rate-limit window must be a positive integer of ms');
}
