/**
 * Verify once per token, then serve from memory — the idea of identity's verified-token cache
 * (identity/tokens/crypto/verified-token-cache.ts), so that an external issuer's token costs about
 * what Rampart's own does: a hit is one SHA-256 and a Map lookup. Keyed by the token's hash, never
 * the token; each entry dies at the token's `exp` (read through the clock); a bounded LRU.
 * What the cache does not decide: whether the signing key is still published and whether the
 * bounding user is still active — the authenticator asks both on every hit.
 */
import type { Clock } from '../../../kernel/ports/clock.js';
import type { MappedToken } from './issuer-principals.js';

export const DEFAULT_ISSUER_TOKEN_CACHE_SIZE = 100_000;

/** A verified, mapped token. */
export interface CachedIssuerToken {
  readonly issuer: string;
  readonly kid: string | undefined;
  /** The generation of the issuer's key set it was verified in. */
  readonly generation: number;
  /** ms since the epoch: the token's `exp`. */
  readonly expiresAt: number;
  readonly mapped: MappedToken;
}

export class IssuerTokenCache {
  readonly #clock: Clock;
  readonly #maxEntries: number;
  /** Insertion order is recency order: a hit moves its entry to the end. */
  readonly #entries = new Map<string, CachedIssuerToken>();

  constructor(clock: Clock, maxEntries = DEFAULT_ISSUER_TOKEN_CACHE_SIZE) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
    this.#clock = clock;
    this.#maxEntries = maxEntries;
  }

  /** The entry of the token hashed `key`, unless absent or past `exp` (RFC 7519 §4.1.4). */
  get(key: string): CachedIssuerToken | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (this.#clock.now() >= entry.expiresAt) return undefined;
    this.#entries.set(key, entry);
    return entry;
  }

  set(key: string, entry: CachedIssuerToken): void {
    if (this.#clock.now() >= entry.expiresAt) return;
    this.#entries.delete(key);
    this.#entries.set(key, Object.freeze(entry));
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}
