/**
 * Ed25519 (RFC 8032) for the signing keyring: a fresh seed, the public key of a seed, and sign and
 * verify with node:crypto's KeyObjects. A KeyObject is built once per key and kept by the keyring,
 * so a signature costs one `crypto.sign` call. The seed is the RFC 8032 §5.1.5 private key (32 bytes).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

/** An Ed25519 key in memory (node's KeyObject), as the keyring holds it. */
export type Ed25519Key = KeyObject;

/** A new Ed25519 key pair as raw bytes: the 32-byte seed and the 32-byte public key. */
export function generateEd25519(): { readonly seed: Buffer; readonly publicKey: Buffer } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const pub = publicKey.export({ format: 'jwk' });
  return { seed: Buffer.from(jwk.d ?? '', 'base64url'), publicKey: Buffer.from(pub.x ?? '', 'base64url') };
}

/** The private KeyObject of a seed; throws if the seed is not 32 bytes or does not match `publicKey`. */
export function ed25519PrivateKey(seed: Uint8Array, publicKey: Uint8Array): KeyObject {
  if (seed.length !== 32 || publicKey.length !== 32) throw new Error('an Ed25519 seed and public key are 32 bytes each');
  const key = createPrivateKey({
    key: { kty: 'OKP', crv: 'Ed25519', d: Buffer.from(seed).toString('base64url'), x: Buffer.from(publicKey).toString('base64url') },
    format: 'jwk',
  });
  // The seed determines the public key: a seed stored under another key's row fails here, at load.
  const derived = createPublicKey(key).export({ format: 'jwk' }).x;
  if (derived !== Buffer.from(publicKey).toString('base64url')) throw new Error('the seed does not belong to the public key');
  return key;
}

/** The public KeyObject of a raw 32-byte Ed25519 key. */
export function ed25519PublicKey(publicKey: Uint8Array): KeyObject {
  if (publicKey.length !== 32) throw new Error('an Ed25519 public key is 32 bytes');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') }, format: 'jwk' });
}

/** RFC 8032 §5.1.6: the 64-byte signature of `bytes`. */
export function ed25519Sign(key: KeyObject, bytes: Uint8Array): Buffer {
  return sign(null, bytes, key);
}

/** RFC 8032 §5.1.7; false (never a throw) for a signature of the wrong length. */
export function ed25519Verify(key: KeyObject, bytes: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  return verify(null, bytes, key, signature);
}
