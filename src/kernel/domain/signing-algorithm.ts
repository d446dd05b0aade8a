/**
 * The JWS algorithms Rampart signs with, as configuration names them (`RAMPART_ACCESS_TOKEN_ALG`);
 * identity's signing keys use the same list.
 */

/** JWS algorithms an access token may be signed with (RFC 7518 §3.1, RFC 8037 §3.1). */
export const SIGNING_ALGORITHMS = Object.freeze(['EdDSA', 'ES256', 'RS256'] as const);

export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

export function isSigningAlgorithm(value: unknown): value is SigningAlgorithm {
  return typeof value === 'string' && (SIGNING_ALGORITHMS as readonly string[]).includes(value);
}
