/**
 * RAMPART_ACCESS_TOKEN_ALG: EdDSA (default), ES256 or RS256 for new keys. A keyring that mixes
 * algorithms verifies each token with its own key's algorithm only — never with the one the token's
 * header names — and a change of algorithm takes effect at the next rotation while the tokens of the
 * old key keep verifying until that key retires.
 */
import { CompactSign, decodeProtectedHeader, importJWK, type CryptoKey } from 'jose';
import { describe, expect, it } from 'vitest';
import { MemorySigningKeyStore } from '../../../src/identity/tokens/adapters/memory-signing-key-store.js';
import { loadConfig, ConfigError } from '../../../src/config.js';
import { DEFAULT_RETIRE_AFTER_SECONDS } from '../../../src/identity/tokens/crypto/keyring.js';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from '../../../src/identity/tokens/domain/signing-key.js';
import { TokenService } from '../../../src/identity/tokens/services/token-service.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const ISSUER = 'https://rampart.example.test';
const SUBJECT = { userId: 'usr_1', email: 'a@example.test', sessionId: 'ses_1' };
const KEY_TYPE: Record<SigningAlgorithm, string> = { EdDSA: 'OKP', ES256: 'EC', RS256: 'RSA' };

function service(store: MemorySigningKeyStore, clock: FakeClock, algorithm?: SigningAlgorithm): TokenService {
  return new TokenService({
    store,
    clock,
    issuer: ISSUER,
    audience: ISSUER,
    ttlSeconds: 900,
    ...(algorithm === undefined ? {} : { algorithm }),
  });
}

/** A JWS over `payload` with `header`, signed by `key` with `alg` (what an attacker or a confused signer makes). */
async function forge(payload: object, header: { alg: string; kid: string }, key: CryptoKey): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ ...header, typ: 'at+jwt' }).sign(key);
}

function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
}

describe('RAMPART_ACCESS_TOKEN_ALG', () => {
  it('defaults to EdDSA and accepts only EdDSA, ES256 and RS256', () => {
    expect(loadConfig({ env: {} }).accessTokenAlg).toBe('EdDSA');
    for (const alg of SIGNING_ALGORITHMS) expect(loadConfig({ env: { RAMPART_ACCESS_TOKEN_ALG: alg } }).accessTokenAlg).toBe(alg);
    for (const bad of ['HS256', 'none', 'PS256', 'eddsa', '']) {
      expect(() => loadConfig({ env: { RAMPART_ACCESS_TOKEN_ALG: bad } })).toThrow(ConfigError);
    }
  });

  for (const alg of SIGNING_ALGORITHMS) {
    it(`${alg}: the first key is ${alg}; tokens are issued and verified with it; JWKS and discovery say ${alg}`, async () => {
      const clock = new FakeClock();
      const tokens = service(new MemorySigningKeyStore(), clock, alg);
      await tokens.start();
      const signed = await tokens.issue(SUBJECT);
      const token = signed.token.reveal();
      expect(decodeProtectedHeader(token)).toEqual({ alg, kid: signed.kid, typ: 'at+jwt' });
      const verified = await tokens.verify(token);
      expect(verified.claims.sub).toBe(SUBJECT.userId);
      expect(verified.kid).toBe(signed.kid);
      const [published] = tokens.jwks().keys;
      expect(tokens.jwks().keys).toHaveLength(1);
      expect(published).toMatchObject({ kid: signed.kid, alg, kty: KEY_TYPE[alg], use: 'sig' });
      expect(published).not.toHaveProperty('d');
      expect(tokens.algorithms()).toEqual([alg]);
    });
  }

  it('refuses a token whose header names another algorithm than its key: the key decides, never the header', async () => {
    const clock = new FakeClock();
    const store = new MemorySigningKeyStore();
    // A mixed keyring: an EdDSA key (now retiring), then an RS256 key, then an ES256 key (active).
    await service(store, clock, 'EdDSA').start();
    await service(store, clock, 'RS256').rotate();
    const tokens = service(store, clock, 'ES256');
    await tokens.rotate();
    const records = await store.list();
    const byAlg = (alg: SigningAlgorithm) => records.find((record) => record.alg === alg)!;
    const claims = payloadOf((await tokens.issue(SUBJECT)).token.reveal());
    const privateKey = async (alg: SigningAlgorithm, as: string = alg) =>
      (await importJWK({ ...byAlg(alg).private_jwk.reveal() }, as)) as CryptoKey;

    // Genuine tokens of each key verify (each with its own key's algorithm).
    for (const alg of SIGNING_ALGORITHMS) {
      const genuine = await forge(claims, { alg, kid: byAlg(alg).kid }, await privateKey(alg));
      await expect(tokens.verify(genuine)).resolves.toMatchObject({ kid: byAlg(alg).kid });
    }
    // Another key of the same keyring signs with its algorithm, the header names the EdDSA key.
    const crossKey = await forge(claims, { alg: 'ES256', kid: byAlg('EdDSA').kid }, await privateKey('ES256'));
    await expect(tokens.verify(crossKey)).rejects.toMatchObject({ code: 'token_invalid' });
    // The RS256 key's own private key, used with PS256: a valid RSA signature, but not the key's algorithm.
    const ps256 = await forge(claims, { alg: 'PS256', kid: byAlg('RS256').kid }, await privateKey('RS256', 'PS256'));
    await expect(tokens.verify(ps256)).rejects.toMatchObject({ code: 'token_invalid' });
    // The ES256 key named with the RS256 algorithm, signed by the RS256 key.
    const swapped = await forge(claims, { alg: 'RS256', kid: byAlg('ES256').kid }, await privateKey('RS256'));
    await expect(tokens.verify(swapped)).rejects.toMatchObject({ code: 'token_invalid' });
  });

  it('a change of algorithm takes effect at the next rotation; older tokens verify until their key retires', async () => {
    const clock = new FakeClock();
    const store = new MemorySigningKeyStore();
    const before = service(store, clock, 'EdDSA');
    await before.start();
    const old = (await before.issue(SUBJECT)).token.reveal();

    // Restarted with RAMPART_ACCESS_TOKEN_ALG=RS256: the existing EdDSA key still signs.
    const after = service(store, clock, 'RS256');
    await after.start();
    expect(decodeProtectedHeader((await after.issue(SUBJECT)).token.reveal()).alg).toBe('EdDSA');

    // `rampart keys rotate` a minute later: the new key is RS256; the EdDSA key retires an hour later.
    clock.advance(60_000);
    await after.rotate();
    const fresh = (await after.issue(SUBJECT)).token.reveal();
    expect(decodeProtectedHeader(fresh).alg).toBe('RS256');
    await expect(after.verify(old)).resolves.toMatchObject({ claims: { sub: SUBJECT.userId } });
    await expect(after.verify(fresh)).resolves.toMatchObject({ claims: { sub: SUBJECT.userId } });
    expect(after.jwks().keys.map((key) => key.alg)).toEqual(['RS256', 'EdDSA']);
    expect([...after.algorithms()].sort()).toEqual(['EdDSA', 'RS256']);

    // Just before retirement the old key still verifies a token it signed (the cache aside).
    clock.advance(DEFAULT_RETIRE_AFTER_SECONDS * 1000 - 30_000);
    const lastOld = await (async () => {
      const oldRecord = (await store.list()).find((record) => record.alg === 'EdDSA')!;
      const key = (await importJWK({ ...oldRecord.private_jwk.reveal() }, 'EdDSA')) as CryptoKey;
      const now = Math.floor(clock.now() / 1000);
      const claims = { ...payloadOf(fresh), iat: now, nbf: now, exp: now + 900, jti: 'late-old-key-token' };
      return forge(claims, { alg: 'EdDSA', kid: oldRecord.kid }, key);
    })();
    await expect(after.verify(lastOld)).resolves.toMatchObject({ claims: { jti: 'late-old-key-token' } });

    // Once retired, the old key verifies nothing and leaves the JWKS and the discovery document.
    clock.advance(60_000);
    await after.reload();
    await expect(after.verify(lastOld)).rejects.toMatchObject({ code: 'token_invalid' });
    expect(after.jwks().keys.map((key) => key.alg)).toEqual(['RS256']);
    expect(after.algorithms()).toEqual(['RS256']);
  });
});
