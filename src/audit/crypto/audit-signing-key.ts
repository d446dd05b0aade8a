/** The audit log's Ed25519 checkpoint key (RFC 8032) in the forms its store keeps: raw public key, PKCS#8 private key. */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** A new key pair: the raw 32-byte public key (base64) and the private key as PKCS#8 DER. */
export function newEd25519KeyPair(): { readonly raw: string; readonly pkcs8: Buffer } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString('base64');
  return { raw, pkcs8: privateKey.export({ format: 'der', type: 'pkcs8' }) };
}

/** The public key of a raw 32-byte Ed25519 key in base64. */
export function ed25519FromRaw(base64: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(base64, 'base64').toString('base64url') }, format: 'jwk' });
}

/** The private key of PKCS#8 DER bytes. */
export function ed25519FromPkcs8(der: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
}
