/**
 * Verify once per token, then serve from memory: the signature check (≈ 0.2 ms for Ed25519) is
 * the cost of every authenticated request, and a client sends the same token for up to 15 min.
 *
 * The map is keyed by SHA-256 of the token, never the token itself, so a heap dump or a debugger
 * shows no usable credential. Each entry dies at the token's `exp` (read through the clock, so an
 * expired entry is never served), and the map is a bounded LRU that evicts the least recently
 * used entry when full (recency is kept from half full on: below that, nothing is evicted).
 * Revocation is not cached here: it is checked on every request.
 */
import { hash } from 'node:crypto';
import type { VerifiedAccessToken } from './access-token.js';
import type { CryptoClock } from '../../../kernel/crypto/crypto-clock.js';

/** About 100k entries × ~1 KiB of claims: tens of MB at most. */
export const DEFAULT_VERIFIED_TOKEN_CACHE_SIZE = 100_000;

export interface VerifiedTokenCacheOptions {
  readonly clock: CryptoClock;
  /** The most entries held; the least recently used goes first. */
  readonly maxEntries?: number;
}

interface Entry {
  readonly verified: VerifiedAccessToken;
  /** ms since the epoch: the token's `exp`. */
  readonly expiresAt: number;
}

/** The cache key of a token: base64url of its SHA-256. */
export function tokenCacheKey(token: string): string {
  // The one-shot form (UTF-8 for a string) costs half of a Hash object's on every request.
  return hash('sha256', token, 'base64url');
}

export class VerifiedTokenCache {
  readonly #clock: CryptoClock;
  readonly #maxEntries: number;
  /** Insertion order is recency order: a hit moves its entry to the end. */
  readonly #entries = new Map<string, Entry>();

  constructor(options: VerifiedTokenCacheOptions) {
    const maxEntries = options.maxEntries ?? DEFAULT_VERIFIED_TOKEN_CACHE_SIZE;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
    this.#clock = options.clock;
    this.#maxEntries = maxEntries;
  }

  /** The verified token, if it was verified before and has not expired; else `undefined`. */
  get(token: string): VerifiedAccessToken | undefined {
    const key = tokenCacheKey(token);
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    // RFC 7519 §4.1.4: at `exp` the token is no longer accepted; the entry goes with it.
    if (this.#clock.now() >= entry.expiresAt) {
      this.#entries.delete(key);
      return undefined;
    }
    // Recency matters only once eviction is near: below half the bound, a hit moves nothing.
    if (this.#entries.size > this.#maxEntries >> 1) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    return entry.verified;
  }

  /** Remembers a token that passed verification. A token already expired is not stored. */
  set(token: string, verified: VerifiedAccessToken): void {
    const expiresAt = verified.claims.exp * 1000;
    if (!Number.isFinite(expiresAt) || this.#clock.now() >= expiresAt) return;
    const key = tokenCacheKey(token);
    this.#entries.delete(key);
    this.#entries.set(key, Object.freeze({ verified, expiresAt }));
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
  }

  delete(token: string): boolean {
    return this.#entries.delete(tokenCacheKey(token));
  }

  /** Drops every entry signed by `kid` (a key was retired); returns how many. */
  deleteKid(kid: string): number {
    let dropped = 0;
    for (const [key, entry] of this.#entries) {
      if (entry.verified.kid === kid) {
        this.#entries.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  /** Drops expired entries (they are never served anyway; this frees their memory). */
  purgeExpired(): number {
    const now = this.#clock.now();
    let dropped = 0;
    for (const [key, entry] of this.#entries) {
      if (now >= entry.expiresAt) {
        this.#entries.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The keys held (token hashes), oldest first: for inspection and tests. */
  keys(): string[] {
    return [...this.#entries.keys()];
  }
}
