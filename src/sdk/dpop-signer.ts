/**
 * DPoP proofs (RFC 9449 §4.2) for the SDK: one ES256 key per client, generated when none is given,
 * its public half in each proof's `jwk` header. Rampart binds a token session's refresh tokens to
 * the key of the proof sent with the login, and every refresh then needs a fresh proof by that key
 * (htm POST, htu the refresh URL, iat now, a jti never used before): a stolen refresh token is
 * useless without the private key, which never leaves the process (non-extractable when generated).
 */
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type KeyObject } from 'jose';
import { randomUuid } from '../kernel/crypto/random.js';

/** A key to sign proofs with: its private half, and the public JWK the server will bind to. */
export interface DpopKey {
  readonly privateKey: CryptoKey | KeyObject;
  readonly publicJwk: JWK;
  /** The JWS algorithm of the key; default `ES256`. */
  readonly alg?: 'ES256' | 'ES384' | 'EdDSA' | 'PS256' | 'RS256';
}

/** Signs proofs for one key. */
export class DpopSigner {
  readonly #key: Promise<DpopKey>;
  readonly #now: () => number;

  /** With no `key`, an ES256 key pair is generated (its private half non-extractable). */
  constructor(key: DpopKey | undefined, now: () => number) {
    this.#key = key === undefined ? generateDpopKey() : Promise.resolve(key);
    this.#now = now;
  }

  /** The public JWK proofs carry. */
  async publicJwk(): Promise<JWK> {
    return (await this.#key).publicJwk;
  }

  /** A proof for one request: `method` and the absolute `url` (RFC 9449 §4.2: htu without query or fragment). */
  async proof(method: string, url: string): Promise<string> {
    const key = await this.#key;
    const target = new URL(url);
    target.search = '';
    target.hash = '';
    return new SignJWT({ htm: method.toUpperCase(), htu: target.href })
      .setProtectedHeader({ alg: key.alg ?? 'ES256', typ: 'dpop+jwt', jwk: key.publicJwk })
      .setJti(randomUuid())
      .setIssuedAt(Math.floor(this.#now() / 1000))
      .sign(key.privateKey);
  }
}

/** A fresh ES256 key pair for DPoP. */
export async function generateDpopKey(): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const { kty, crv, x, y } = await exportJWK(publicKey);
  return { privateKey, publicJwk: { kty, crv, x, y }, alg: 'ES256' };
}
