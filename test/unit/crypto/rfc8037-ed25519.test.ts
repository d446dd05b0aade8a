// RFC 8037 Appendix A: the Ed25519 key (A.1), its RFC 7638 thumbprint (A.3) and the JWS (A.4).
// The fixture is copied unchanged from the shared vectors and keeps its `source`.
import { readFileSync } from 'node:fs';
import { CompactSign, calculateJwkThumbprint, compactVerify, importJWK, type CryptoKey } from 'jose';
import { describe, expect, it } from 'vitest';
import { fromRecord } from '../../../src/identity/tokens/crypto/signing-key.js';
import { secret } from '../../../src/kernel/domain/secret.js';

interface Vector {
  source: string;
  jwk_private: { kty: string; crv: string; d: string; x: string };
  jwk_thumbprint_sha256: string;
  protected_header: { alg: string };
  payload_utf8: string;
  jws_compact: string;
}

const vector = JSON.parse(readFileSync(new URL('../../fixtures/vectors/rfc8037-ed25519-jws.json', import.meta.url), 'utf8')) as Vector;
const { d: _d, ...publicJwk } = vector.jwk_private;

async function asymmetric(key: CryptoKey | Uint8Array): Promise<CryptoKey> {
  if (key instanceof Uint8Array) throw new TypeError('expected an asymmetric key');
  return key;
}

describe('RFC 8037 Ed25519 JWS vector', () => {
  it('keeps its source', () => {
    expect(vector.source).toMatch(/^RFC 8037/);
  });

  it('verifies the compact JWS with the public JWK', async () => {
    const key = await asymmetric(await importJWK(publicJwk, 'EdDSA'));
    const { payload, protectedHeader } = await compactVerify(vector.jws_compact, key, { algorithms: ['EdDSA'] });
    expect(protectedHeader).toEqual(vector.protected_header);
    expect(new TextDecoder().decode(payload)).toBe(vector.payload_utf8);
  });

  it('has the RFC 7638 thumbprint', async () => {
    expect(await calculateJwkThumbprint(publicJwk, 'sha256')).toBe(vector.jwk_thumbprint_sha256);
    expect(await calculateJwkThumbprint(vector.jwk_private, 'sha256')).toBe(vector.jwk_thumbprint_sha256);
  });

  it('re-signs to the same signature (Ed25519 is deterministic)', async () => {
    const key = await asymmetric(await importJWK(vector.jwk_private, 'EdDSA'));
    const jws = await new CompactSign(new TextEncoder().encode(vector.payload_utf8)).setProtectedHeader(vector.protected_header).sign(key);
    expect(jws).toBe(vector.jws_compact);
  });

  it('loads into a signing key through a record and signs the same bytes', async () => {
    const key = await fromRecord({
      kid: 'rfc8037-appendix-a1-key',
      alg: 'EdDSA',
      state: 'active',
      created_at: 0,
      retire_after: null,
      public_jwk: publicJwk,
      private_jwk: secret(vector.jwk_private),
    });
    expect(key.publicJwk).toEqual(publicJwk);
    const jws = await new CompactSign(new TextEncoder().encode(vector.payload_utf8))
      .setProtectedHeader(vector.protected_header)
      .sign(key.privateKey.reveal());
    expect(jws).toBe(vector.jws_compact);
  });
});
