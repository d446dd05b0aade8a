/**
 * Verification of an external issuer's JWT (RFC 7519, RFC 8725), in this order:
 * 1. the protected header: `alg` must be one of the issuer's (asymmetric) algorithms, checked
 *    before any key is looked up; `jku`, `x5u`, `jwk` and `x5c` are never dereferenced or trusted —
 *    a token carrying them is refused (RFC 8725 §3.10); `kid` is short text when present;
 * 2. the signature, with a key of the issuer's JWK Set only (jose checks it before any claim);
 * 3. the claims: `iss` exactly, `aud` containing the configured audience, `exp`, `nbf` and `iat`
 *    against the injected clock (30 s tolerance), `iat` no older than the maximum lifetime;
 * 4. the lifetime the issuer gave the token, `exp - iat`, at most the configured maximum.
 * Every failure is an {@link IssuerTokenRefusal} with its reason; jose's message is not kept.
 */
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { IssuerTokenRefusal, type IssuerRefusalReason } from '../domain/issuer-refusal.js';
import type { TrustedIssuer } from '../domain/trusted-issuer.js';

/** Seconds of clock skew allowed on `exp`, `nbf` and `iat`. */
export const ISSUER_CLOCK_TOLERANCE_SECONDS = 30;
/** Longer input is refused before it is parsed. */
export const MAX_ISSUER_TOKEN_LENGTH = 8192;

const FORBIDDEN_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'];

/** A token that passed every check. */
export interface VerifiedIssuerToken {
  readonly claims: JWTPayload;
  /** The key that signed it, when the header named one. */
  readonly kid: string | undefined;
  /** ms since the epoch: `exp`. */
  readonly expiresAt: number;
}

/**
 * The `iss` a compact JWT claims, read WITHOUT verification: only to pick which configured issuer
 * (if any) is to verify it. `undefined` when the payload does not decode or has no string `iss`.
 */
export function claimedIssuer(token: string): string | undefined {
  if (token.length > MAX_ISSUER_TOKEN_LENGTH) return undefined;
  try {
    const { iss } = decodeJwt(token);
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

function headerOf(token: string, issuer: TrustedIssuer): { kid: string | undefined } {
  let header;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new IssuerTokenRefusal('malformed');
  }
  if (FORBIDDEN_HEADERS.some((name) => name in header)) throw new IssuerTokenRefusal('malformed');
  if (typeof header.alg !== 'string' || !(issuer.algorithms as readonly string[]).includes(header.alg)) {
    throw new IssuerTokenRefusal('algorithm');
  }
  if (header.kid !== undefined && (typeof header.kid !== 'string' || header.kid.length > 128)) throw new IssuerTokenRefusal('malformed');
  return { kid: header.kid };
}

function claimReason(error: errors.JWTClaimValidationFailed): IssuerRefusalReason {
  if (error.claim === 'aud') return 'audience';
  if (error.claim === 'nbf') return 'not_yet_valid';
  if (error.claim === 'iat') return error.reason === 'missing' ? 'lifetime' : 'not_yet_valid';
  if (error.claim === 'exp') return 'lifetime';
  return 'malformed';
}

/** The refusal a jose failure stands for. */
function reasonOf(error: unknown): IssuerRefusalReason {
  if (error instanceof IssuerTokenRefusal) return error.reason;
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) return claimReason(error);
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  if (error instanceof errors.JWKSNoMatchingKey) return 'unknown_key';
  return 'malformed';
}

/**
 * Verifies `token` as a JWT of `issuer`, with keys from `keys` (which may refresh the issuer's
 * JWKS on an unknown `kid`). Resolves with the verified claims or rejects with an {@link IssuerTokenRefusal}.
 */
export async function verifyIssuerToken(
  token: string,
  issuer: TrustedIssuer,
  keys: JWTVerifyGetKey,
  nowMs: number,
): Promise<VerifiedIssuerToken> {
  if (token.length > MAX_ISSUER_TOKEN_LENGTH) throw new IssuerTokenRefusal('malformed');
  const { kid } = headerOf(token, issuer);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keys, {
      algorithms: [...issuer.algorithms], // RFC 8725 §3.1: the issuer's list, never the header's word
      issuer: issuer.issuer, // RFC 7519 §4.1.1
      audience: issuer.audience, // RFC 7519 §4.1.3, RFC 8725 §3.9
      requiredClaims: ['iss', 'aud', 'exp', 'iat'],
      maxTokenAge: issuer.maxLifetimeSeconds, // also refuses an `iat` in the future
      clockTolerance: ISSUER_CLOCK_TOLERANCE_SECONDS,
      currentDate: new Date(nowMs),
    }));
  } catch (error) {
    throw new IssuerTokenRefusal(reasonOf(error));
  }
  const { exp, iat } = payload;
  if (typeof exp !== 'number' || typeof iat !== 'number' || exp - iat > issuer.maxLifetimeSeconds) {
    throw new IssuerTokenRefusal('lifetime');
  }
  return Object.freeze({ claims: payload, kid, expiresAt: exp * 1000 });
}
