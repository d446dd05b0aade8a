/**
 * Refusals a client can cause at will go into the audit log aggregated — 429s from the rate
 * limiter, CSRF refusals (identity/browser/services/csrf-refusal-audit.ts), refused inbound hooks
 * (webhooks/inbound/services/refusal-audit.ts) — so that a flood shows in the log without
 * becoming a write per request. Per instance, over a fixed window
 * ({@link REFUSAL_WINDOW_MS}):
 * 1. at most one entry per key (a caller's bucket) in a window; later refusals of the same key in
 *    it are only counted, and the count is carried by that key's next entry (`suppressed_before`);
 * 2. at most {@link REFUSALS_PER_WINDOW} entries in a window in all; refusals past that are counted
 *    and the count is carried by the next entry written (`dropped_before`);
 * 3. at most {@link REFUSAL_KEYS_TRACKED} keys are tracked: a flood of callers grows only
 *    `dropped_before`, never memory.
 */
import type { Clock } from '../../ports/clock.js';

export const REFUSAL_WINDOW_MS = 60_000;
export const REFUSALS_PER_WINDOW = 100;
export const REFUSAL_KEYS_TRACKED = 10_000;

/** What the entry written for a refusal carries besides the refusal itself. */
export interface RefusalCounts {
  /** Refusals of the same key that were only counted since its last entry. */
  readonly suppressedBefore: number;
  /** Refusals of any key dropped under the window's cap since the last entry written. */
  readonly droppedBefore: number;
}

export class RefusalAggregator {
  readonly #clock: Clock;
  #windowStart = Number.NEGATIVE_INFINITY;
  /** Keys with an entry in this window → refusals since that entry. */
  #inWindow = new Map<string, number>();
  /** Refusals counted but not yet reported, by key, from earlier windows. */
  #carried = new Map<string, number>();
  #written = 0;
  #dropped = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /**
   * Counts one refusal of `key`: the counts its entry must carry when one is due now, or
   * `undefined` when the refusal is only counted (a cap applies). Synchronous: the caller writes.
   */
  admit(key: string): RefusalCounts | undefined {
    this.#roll(this.#clock.now());
    const since = this.#inWindow.get(key);
    if (since !== undefined) {
      this.#inWindow.set(key, since + 1);
      return undefined;
    }
    if (this.#written >= REFUSALS_PER_WINDOW || this.#inWindow.size >= REFUSAL_KEYS_TRACKED) {
      this.#dropped += 1;
      return undefined;
    }
    this.#inWindow.set(key, 0);
    this.#written += 1;
    const suppressedBefore = this.#carried.get(key) ?? 0;
    this.#carried.delete(key);
    const droppedBefore = this.#dropped;
    this.#dropped = 0;
    return { suppressedBefore, droppedBefore };
  }

  /** Starts a new window when the current one is over, carrying the uncounted refusals. */
  #roll(now: number): void {
    if (now - this.#windowStart < REFUSAL_WINDOW_MS) return;
    this.#windowStart = now;
    for (const [key, count] of this.#inWindow) {
      if (count === 0) continue;
      if (this.#carried.size >= REFUSAL_KEYS_TRACKED && !this.#carried.has(key)) this.#dropped += count;
      else this.#carried.set(key, (this.#carried.get(key) ?? 0) + count);
    }
    this.#inWindow = new Map();
    this.#written = 0;
  }
}
