/**
 * DPoP proofs (RFC 9449 §4.3): the signature and shape checks that need no state. A proof is a
 * JWS with `typ: dpop+jwt`, an asymmetric `alg` from the allow-list (never `none`, never HMAC),
 * the public key in the `jwk` header (a private key there is refused: RFC 9449 §4.3 item 5), and
 * the claims `jti`, `htm`, `htu` and `iat`. The key's identity is its RFC 7638 thumbprint. Time
 * (the `iat` window) and the `jti` replay cache are the caller's: identity/browser/services/dpop.ts.
 */
import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, jwtVerify, type JWK } from 'jose';

/** Asymmetric algorithms only (RFC 9449 §4.3 item 4: not `none`, not a MAC). */
export const DPOP_ALGORITHMS = Object.freeze(['EdDSA', 'Ed25519', 'ES256', 'ES384', 'PS256', 'RS256']);

/** The members that only a private JWK has (RFC 7518 §6.2.2, §6.3.2; RFC 8037 §2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** The longest proof we read: a JWT with an RSA-4096 key in its header is well under this. */
const MAX_PROOF_LENGTH = 4096;

/** What a valid proof establishes. */
export interface DpopProofClaims {
  /** RFC 7638 SHA-256 thumbprint of the proof's key (base64url). */
  readonly jkt: string;
  readonly jti: string;
  readonly htm: string;
  readonly htu: string;
  /** Seconds since the epoch. */
  readonly iat: number;
}

/** Why a proof is refused (never shown with the proof itself). */
export class DpopProofError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'DpopProofError';
  }
}

function hasPrivateMembers(jwk: unknown): boolean {
  if (typeof jwk !== 'object' || jwk === null) return false;
  return PRIVATE_MEMBERS.some((member) => Object.hasOwn(jwk, member));
}

/**
 * Verifies one proof's signature, header and claim types, and returns its claims and key
 * thumbprint. `now` (ms) is only used for an `exp`/`nbf` the proof may carry.
 */
export async function verifyDpopProof(proof: string, now: number): Promise<DpopProofClaims> {
  if (proof.length === 0 || proof.length > MAX_PROOF_LENGTH) throw new DpopProofError('the proof has an impossible length');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(proof);
  } catch {
    throw new DpopProofError('the proof is not a JWS');
  }
  if (hasPrivateMembers(header.jwk)) throw new DpopProofError('the proof carries a private key');
  let result: Awaited<ReturnType<typeof jwtVerify>>;
  try {
    result = await jwtVerify(proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: [...DPOP_ALGORITHMS],
      currentDate: new Date(now),
    });
  } catch {
    throw new DpopProofError('the proof signature, type or algorithm is not valid');
  }
  const { payload, protectedHeader } = result;
  const { jti, htm, htu, iat } = payload as Record<string, unknown>;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) throw new DpopProofError('the proof has no valid jti');
  if (typeof htm !== 'string' || typeof htu !== 'string') throw new DpopProofError('the proof has no htm or htu');
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw new DpopProofError('the proof has no iat');
  const jwk = protectedHeader.jwk as JWK | undefined;
  if (jwk === undefined) throw new DpopProofError('the proof has no jwk');
  const jkt = await calculateJwkThumbprint(jwk, 'sha256');
  return Object.freeze({ jkt, jti, htm, htu, iat });
}

/**
 * RFC 9449 §4.3 item 9: `htu` compared without query and fragment, after normalisation (RFC 3986
 * §6.2.2 and §6.2.3: case of scheme and host, default port, dot segments — what `URL` does).
 */
export function sameHtu(presented: string, expected: string): boolean {
  try {
    const a = new URL(presented);
    const b = new URL(expected);
    return a.origin === b.origin && a.pathname === b.pathname;
  } catch {
    return false;
  }
}
