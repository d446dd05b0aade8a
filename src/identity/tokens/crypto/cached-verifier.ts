/**
 * Access-token verification as every request uses it: a cache hit costs one SHA-256 and a Map
 * lookup; a miss runs the full verification once and remembers the result until `exp`.
 *
 * A retired key must stop its tokens at once, cached or not. We check the key's state on every
 * hit (one Map lookup and a comparison in the keyring) rather than relying on a purge at
 * retirement: a key also retires by the passing of time, with no event to purge on.
 *
 * Each verifier owns its cache: a token verified for one audience is never served to another.
 */
import {
  MAX_ACCESS_TOKEN_LENGTH,
  claimedIssuer,
  verifyAccessToken,
  type VerifiedAccessToken,
  type VerifyAccessTokenOptions,
} from './access-token.js';
import type { Keyring } from './keyring.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

export interface CachedVerifierOptions extends VerifyAccessTokenOptions {
  readonly keyring: Pick<Keyring, 'verificationKey' | 'isVerifying'>;
  /** Bound of the cache (see {@link VerifiedTokenCache}). */
  readonly maxEntries?: number;
  /** The full verification; {@link verifyAccessToken} with these options by default. */
  readonly verify?: (token: string) => Promise<VerifiedAccessToken>;
}

export class CachedVerifier {
  readonly #keyring: Pick<Keyring, 'isVerifying'>;
  readonly #cache: VerifiedTokenCache;
  readonly #verify: (token: string) => Promise<VerifiedAccessToken>;
  readonly #issuer: string;

  constructor(options: CachedVerifierOptions) {
    const { issuer, audience, keyring, clock } = options;
    this.#issuer = issuer;
    this.#keyring = keyring;
    this.#cache = new VerifiedTokenCache({ clock, ...(options.maxEntries === undefined ? {} : { maxEntries: options.maxEntries }) });
    this.#verify = options.verify ?? ((token) => verifyAccessToken(token, { issuer, audience, keyring, clock }));
  }

  /**
   * Resolves with the verified token, or rejects with a `DomainError` (`token_expired` or
   * `token_invalid`) exactly as {@link verifyAccessToken} does. Revocation is the caller's next step.
   */
  async verify(token: string): Promise<VerifiedAccessToken> {
    // Oversized input is refused by the full check before anything hashes it.
    if (typeof token !== 'string' || token.length > MAX_ACCESS_TOKEN_LENGTH) return this.#verify(token);
    const hit = this.#cache.get(token);
    if (hit !== undefined) {
      if (this.#keyring.isVerifying(hit.kid)) return hit;
      // The key retired since: forget the entry; the full check below refuses the token.
      this.#cache.delete(token);
    }
    const verified = await this.#verify(token);
    this.#cache.set(token, verified);
    return verified;
  }

  /**
   * As {@link verify}, but resolves `undefined` for a token that names another issuer (a trusted
   * external issuer's, federation/issuers/): not ours to judge. Checked on a cache miss only, so
   * our own tokens pay nothing for it; a token with no readable `iss` is ours, and refused.
   */
  async verifyOwn(token: string): Promise<VerifiedAccessToken | undefined> {
    if (typeof token === 'string' && token.length <= MAX_ACCESS_TOKEN_LENGTH) {
      const hit = this.verifiedBefore(token);
      if (hit !== undefined) return hit;
      const issuer = claimedIssuer(token);
      if (issuer !== undefined && issuer !== this.#issuer) return undefined;
    }
    return this.verify(token);
  }

  /**
   * The cache hit {@link verifyOwn} would answer with, without a promise: a token verified before,
   * not expired, whose key still verifies; `undefined` otherwise (then only {@link verifyOwn} can tell).
   */
  verifiedBefore(token: string): VerifiedAccessToken | undefined {
    if (token.length > MAX_ACCESS_TOKEN_LENGTH) return undefined;
    const hit = this.#cache.get(token);
    return hit !== undefined && this.#keyring.isVerifying(hit.kid) ? hit : undefined;
  }

  /** Drops every cached token of `kid` (memory only: hits check the key's state anyway). */
  forgetKid(kid: string): number {
    return this.#cache.deleteKid(kid);
  }

  /** How many verified tokens are held. */
  get size(): number {
    return this.#cache.size;
  }
}
