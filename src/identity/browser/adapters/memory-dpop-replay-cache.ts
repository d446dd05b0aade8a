/**
 * {@link DpopReplayCache} in this process: a Map of key → expiry, bounded. When full, expired
 * entries are dropped first; if none has expired, the claim is refused (fail closed) rather than
 * forgetting a live proof id an attacker could then replay.
 */
import type { DpopReplayCache } from '../ports/dpop-replay-cache.js';

export class MemoryDpopReplayCache implements DpopReplayCache {
  readonly #seen = new Map<string, number>();
  readonly #max: number;

  constructor(max = 100_000) {
    this.#max = max;
  }

  claim(key: string, expiresAt: number, now: number): Promise<boolean> {
    const known = this.#seen.get(key);
    if (known !== undefined && known > now) return Promise.resolve(false);
    if (this.#seen.size >= this.#max) {
      for (const [k, until] of this.#seen) if (until <= now) this.#seen.delete(k);
      if (this.#seen.size >= this.#max) return Promise.resolve(false);
    }
    this.#seen.set(key, expiresAt);
    return Promise.resolve(true);
  }
}
