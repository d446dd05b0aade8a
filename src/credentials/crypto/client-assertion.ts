/**
 * RFC 7523 §2.2 / §3 client assertions (`private_key_jwt`): a JWT the client signs with one of the
 * keys it registered. The checks, each at the line that makes it:
 * - the signature, by a key of the registered JWK Set only (`jku`, `x5u`, `jwk`, `x5c` are never
 *   followed: RFC 8725 §3.10), with an asymmetric algorithm (no `none`, no HMAC: RFC 8725 §3.1);
 * - `iss` and `sub` are the client id (§3 items 1–2), `aud` names the token endpoint or the
 *   issuer (§3 item 3), `exp` is present and at most {@link MAX_ASSERTION_LIFETIME_SECONDS} away
 *   (§3 item 4), `jti` present (item 7: single use is the caller's replay cache).
 * Every failure is one error whose message stays in the log; the caller answers `invalid_client`.
 */
import { createLocalJWKSet, decodeJwt, jwtVerify, type JWTHeaderParameters, type FlattenedJWSInput } from 'jose';
import type { CryptoClock } from '../../kernel/crypto/crypto-clock.js';

/** An assertion further in the future than this is refused: it would be a long-lived credential. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;
const CLOCK_TOLERANCE_SECONDS = 5;
const MAX_ASSERTION_LENGTH = 8192;
const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
const HEADER_PARAMETERS = new Set(['alg', 'kid', 'typ']);

export interface ClientAssertionCheck {
  readonly clientId: string;
  readonly jwks: { readonly keys: readonly Readonly<Record<string, unknown>>[] };
  /** Accepted `aud` values: the token endpoint's URL and the issuer. */
  readonly audiences: readonly string[];
  readonly clock: CryptoClock;
}

export interface VerifiedAssertion {
  readonly jti: string;
  /** ms since the epoch. */
  readonly expiresAt: number;
}

export class ClientAssertionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ClientAssertionError';
  }
}

/** Verifies an assertion; rejects with {@link ClientAssertionError}. */
export async function verifyClientAssertion(assertion: string, check: ClientAssertionCheck): Promise<VerifiedAssertion> {
  if (assertion.length === 0 || assertion.length > MAX_ASSERTION_LENGTH) throw new ClientAssertionError('assertion is empty or too long');
  const keys = createLocalJWKSet({ keys: check.jwks.keys.map((key) => ({ ...key })) });
  const resolver = (header: JWTHeaderParameters, token: FlattenedJWSInput) => {
    for (const name of Object.keys(header)) {
      if (!HEADER_PARAMETERS.has(name)) throw new ClientAssertionError(`header parameter "${name}" is not accepted`);
    }
    return keys(header, token);
  };
  let payload;
  try {
    ({ payload } = await jwtVerify(assertion, resolver, {
      algorithms: ASYMMETRIC_ALGORITHMS,
      issuer: check.clientId,
      subject: check.clientId,
      audience: [...check.audiences],
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'jti'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: new Date(check.clock.now()),
    }));
  } catch (error) {
    throw new ClientAssertionError('the client assertion is not valid', { cause: error });
  }
  const exp = payload.exp as number;
  if (exp * 1000 - check.clock.now() > MAX_ASSERTION_LIFETIME_SECONDS * 1000) {
    throw new ClientAssertionError(`the assertion expires more than ${MAX_ASSERTION_LIFETIME_SECONDS} s from now`);
  }
  const jti = payload.jti;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) throw new ClientAssertionError('jti is missing or too long');
  return Object.freeze({ jti, expiresAt: exp * 1000 });
}

/**
 * The client an assertion claims to come from (its `sub`, which RFC 7523 §3 makes the client id),
 * read WITHOUT verification — only to find whose keys verify it. Undefined when unreadable.
 */
export function claimedAssertionClient(assertion: string): string | undefined {
  if (assertion.length > MAX_ASSERTION_LENGTH) return undefined;
  try {
    const sub = decodeJwt(assertion).sub;
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
}
