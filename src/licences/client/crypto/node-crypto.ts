/**
 * The client's only use of `node:crypto`: SHA-256 for the licence key's check group, and Ed25519
 * verification (RFC 8032) of activation tokens against a pinned public JWK (RFC 8037 OKP). No
 * randomness and no private key: an installed product verifies, it never signs.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';

/** SHA-256 (FIPS 180-4) of the parts, hashed as one message in order. */
export function sha256(...parts: readonly (string | Uint8Array)[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** An Ed25519 public key from an RFC 8037 JWK (`kty` OKP, `crv` Ed25519, `x`); undefined for anything else. */
export function ed25519PublicKey(jwk: Readonly<Record<string, unknown>>): KeyObject | undefined {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || 'd' in jwk) return undefined;
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
  } catch {
    return undefined;
  }
}

/** RFC 8032 §5.1.7: whether `signature` is `key`'s Ed25519 signature of `message` (never throws). */
export function ed25519Verify(key: KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  try {
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}
