/**
 * DPoP (RFC 9449) for refresh-token binding. A proof is accepted when, in order:
 * 1. its signature, `typ`, algorithm and key verify (identity/browser/crypto/dpop.ts; no private key in `jwk`);
 * 2. `htm` is the request's method and `htu` its URL under RAMPART_PUBLIC_URL (no query);
 * 3. `iat` is within ±{@link DPOP_IAT_WINDOW_SECONDS} of the clock;
 * 4. when a thumbprint is expected (a bound session), the proof's key has that thumbprint;
 * 5. its `jti` was never seen for this key (the replay cache: Redis when configured).
 * The `jti` is recorded last, so a proof refused for another reason does not burn its id — and a
 * proof checked against a bound session is recorded before the session is touched.
 * Every refusal is 401 `dpop_invalid`; the reason goes to the log, never the proof.
 */
import { DpopProofError, sameHtu, verifyDpopProof } from '../crypto/dpop.js';
import { sha256 } from '../../../kernel/crypto/digest.js';
import { DomainError } from '../../../kernel/domain/errors.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { DpopReplayCache } from '../ports/dpop-replay-cache.js';

/** How far `iat` may be from our clock, either way (RFC 9449 §11.1 leaves it to the server). */
export const DPOP_IAT_WINDOW_SECONDS = 60;

/** The request a proof must match. */
export interface DpopTarget {
  readonly method: string;
  /** The absolute URL of the request, under the public URL. */
  readonly url: string;
}

export function dpopInvalid(detail: string): DomainError {
  return new DomainError('dpop_invalid', detail);
}

export class DpopService {
  readonly #replay: DpopReplayCache;
  readonly #clock: Clock;

  constructor(replay: DpopReplayCache, clock: Clock) {
    this.#replay = replay;
    this.#clock = clock;
  }

  /**
   * Checks `proof` for `target` and, when `expectedJkt` is given, that it is signed by that key.
   * Resolves with the key's thumbprint; rejects with `dpop_invalid`.
   */
  async verify(proof: string | undefined, target: DpopTarget, expectedJkt?: string): Promise<string> {
    if (proof === undefined || proof === '') throw dpopInvalid('This refresh token is bound to a key: send a DPoP proof');
    const now = this.#clock.now();
    let claims: Awaited<ReturnType<typeof verifyDpopProof>>;
    try {
      claims = await verifyDpopProof(proof, now);
    } catch (error) {
      if (error instanceof DpopProofError) throw dpopInvalid('The DPoP proof is not valid');
      throw error;
    }
    if (claims.htm !== target.method || !sameHtu(claims.htu, target.url)) {
      throw dpopInvalid('The DPoP proof was made for another request (htm/htu)');
    }
    if (Math.abs(claims.iat * 1000 - now) > DPOP_IAT_WINDOW_SECONDS * 1000) {
      throw dpopInvalid('The DPoP proof is too old or from the future (iat)');
    }
    if (expectedJkt !== undefined && claims.jkt !== expectedJkt) {
      throw dpopInvalid('The DPoP proof is signed by another key than the one this session is bound to');
    }
    const key = sha256(`${claims.jkt}\0${claims.jti}`).toString('hex');
    // Kept as long as the proof's iat could still be accepted.
    const until = claims.iat * 1000 + DPOP_IAT_WINDOW_SECONDS * 1000 + 1000;
    if (!(await this.#replay.claim(key, Math.max(until, now + 1000), now))) throw dpopInvalid('The DPoP proof was already used (jti)');
    return claims.jkt;
  }
}
