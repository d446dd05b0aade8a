/**
 * DSSE (Dead Simple Signing Envelope, secure-systems-lab/dsse `protocol.md` and `envelope.md`):
 * the pre-authentication encoding and the check of an envelope's signatures against pinned public
 * keys. Dependency-free (node:crypto only), so a runtime can embed it to verify before loading.
 *
 *   PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
 *
 * LEN is the byte length as ASCII decimal without leading zeros; SP is one space (0x20).
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/** A DSSE envelope as JSON (`envelope.md`): base64 payload, its type, and one or more signatures. */
export interface DsseEnvelope {
  readonly payload: string;
  readonly payloadType: string;
  readonly signatures: readonly { readonly keyid?: string; readonly sig: string }[];
}

/** A public key as a JWK: Ed25519 (`OKP`) or, for the DSSE reference vectors, ECDSA P-256 (`EC`). */
export interface PublicJwk {
  readonly kty: string;
  readonly crv?: string;
  readonly x?: string;
  readonly y?: string;
  readonly kid?: string;
  readonly [member: string]: unknown;
}

/** `protocol.md` "Signature definition": the bytes a DSSE signature is over. */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `, 'utf8'), type, Buffer.from(` ${payload.length} `, 'utf8'), payload]);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Decodes standard or URL-safe base64 (`envelope.md`: "either standard or URL-safe encoding"),
 * or undefined for anything else: Node's decoder would skip stray characters silently.
 */
export function decodeBase64(text: string): Buffer | undefined {
  if (BASE64.test(text)) return Buffer.from(text, 'base64');
  if (BASE64URL.test(text) && text.length % 4 !== 1) return Buffer.from(text, 'base64url');
  return undefined;
}

/** KeyObjects already built, per JWK object: a pinned JWKS is parsed once, not per signature. */
const built = new WeakMap<PublicJwk, KeyObject | undefined>();

/** A node KeyObject of a public JWK (built once per JWK object), or undefined when it is not an Ed25519 or P-256 public key. */
export function publicKeyOf(jwk: PublicJwk): KeyObject | undefined {
  if (built.has(jwk)) return built.get(jwk);
  const key = buildPublicKey(jwk);
  built.set(jwk, key);
  return key;
}

function buildPublicKey(jwk: PublicJwk): KeyObject | undefined {
  const okp = jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && typeof jwk.x === 'string';
  const ec = jwk.kty === 'EC' && jwk.crv === 'P-256' && typeof jwk.x === 'string' && typeof jwk.y === 'string';
  if (!okp && !ec) return undefined;
  try {
    return createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, ...(ec ? { y: jwk.y } : {}) }, format: 'jwk' });
  } catch {
    return undefined;
  }
}

/** Whether `signature` over `message` verifies with `key` (Ed25519, or ECDSA P-256 SHA-256 as raw r‖s). */
export function verifyWith(key: KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    if (key.asymmetricKeyType === 'ed25519') return signature.length === 64 && verify(null, message, key, signature);
    if (key.asymmetricKeyType === 'ec') return verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature);
    return false;
  } catch {
    return false;
  }
}

/** The first signature of `envelope` by a key of `keys` (matched by `keyid` = `kid`), or why there is none. */
export type EnvelopeCheck =
  | { readonly ok: true; readonly keyId: string; readonly payload: Buffer; readonly signature: Buffer }
  | { readonly ok: false; readonly reason: 'malformed' | 'unknown_key' | 'signature_invalid' };

/**
 * Checks `envelope` against `keys`: a signature whose `keyid` names a key of `keys` and verifies
 * over PAE(payloadType, payload) accepts it. A signature naming no known key is skipped
 * (`protocol.md`: "ignore signatures whose keyid is unknown"); an empty `keyid` is tried against
 * every key (`envelope.md`: unset is the same as empty). Fails closed on anything malformed.
 */
export function checkEnvelope(envelope: DsseEnvelope, keys: readonly PublicJwk[]): EnvelopeCheck {
  const payload = decodeBase64(envelope.payload);
  if (payload === undefined || typeof envelope.payloadType !== 'string' || !Array.isArray(envelope.signatures)) {
    return { ok: false, reason: 'malformed' };
  }
  const message = pae(envelope.payloadType, payload);
  let known = false;
  for (const entry of envelope.signatures) {
    const signature = typeof entry.sig === 'string' ? decodeBase64(entry.sig) : undefined;
    if (signature === undefined) return { ok: false, reason: 'malformed' };
    const keyid = entry.keyid ?? '';
    for (const jwk of keys) {
      if (keyid !== '' && jwk.kid !== keyid) continue;
      const key = publicKeyOf(jwk);
      if (key === undefined) continue;
      known = true;
      if (verifyWith(key, message, signature)) return { ok: true, keyId: jwk.kid ?? keyid, payload, signature };
    }
  }
  return { ok: false, reason: known ? 'signature_invalid' : 'unknown_key' };
}
