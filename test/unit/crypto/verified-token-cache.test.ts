import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { beforeEach, describe, expect, it } from 'vitest';
import { signAccessToken, verifyAccessToken, type VerifiedAccessToken } from '../../../src/identity/tokens/crypto/access-token.js';
import { CachedVerifier } from '../../../src/identity/tokens/crypto/cached-verifier.js';
import { Keyring } from '../../../src/identity/tokens/crypto/keyring.js';
import { VerifiedTokenCache, tokenCacheKey } from '../../../src/identity/tokens/crypto/verified-token-cache.js';
import { DomainError } from '../../../src/kernel/domain/errors.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const ISSUER = 'https://rampart.example';
const AUDIENCE = 'rampart';

function verified(exp: number, kid = 'kid-1', sid = 'ses_1'): VerifiedAccessToken {
  return { kid, claims: { iss: ISSUER, sub: 'usr_1', aud: AUDIENCE, exp, iat: exp - 900, nbf: exp - 900, jti: `j-${sid}`, sid } };
}

describe('VerifiedTokenCache', () => {
  let clock: FakeClock;
  const exp = (secondsFromNow: number): number => Math.floor(clock.now() / 1000) + secondsFromNow;
  beforeEach(() => {
    clock = new FakeClock();
  });

  it('stores SHA-256 of the token, never the token', () => {
    const cache = new VerifiedTokenCache({ clock });
    const token = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1c3JfMSJ9.c2lnbmF0dXJl';
    cache.set(token, verified(exp(600)));
    const expected = createHash('sha256').update(token).digest('base64url');
    expect(tokenCacheKey(token)).toBe(expected);
    expect(cache.keys()).toEqual([expected]);
    expect(cache.keys().join()).not.toContain(token);
    expect(inspect(cache, { depth: 10, showHidden: true })).not.toContain(token);
  });

  it('serves an entry until the token expires, and never at or after exp', () => {
    const cache = new VerifiedTokenCache({ clock });
    const entry = verified(exp(600));
    cache.set('t', entry);
    expect(cache.get('t')).toBe(entry);
    clock.advance(600_000 - 1);
    expect(cache.get('t')).toBe(entry);
    clock.advance(1);
    expect(cache.get('t')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('does not store a token that has already expired', () => {
    const cache = new VerifiedTokenCache({ clock });
    cache.set('t', verified(exp(0)));
    expect(cache.size).toBe(0);
  });

  it('is bounded: the least recently used entry goes first', () => {
    const cache = new VerifiedTokenCache({ clock, maxEntries: 3 });
    for (const t of ['a', 'b', 'c']) cache.set(t, verified(exp(600), 'k', t));
    expect(cache.get('a')).toBeDefined(); // a is now the most recent; b is the oldest
    cache.set('d', verified(exp(600), 'k', 'd'));
    expect(cache.size).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((t) => cache.get(t)?.claims.sid)).toEqual(['a', 'c', 'd']);
    expect(() => new VerifiedTokenCache({ clock, maxEntries: 0 })).toThrow(RangeError);
    expect(() => new VerifiedTokenCache({ clock, maxEntries: Number.NaN })).toThrow(RangeError);
  });

  it('drops the entries of one kid, and purges the expired', () => {
    const cache = new VerifiedTokenCache({ clock });
    cache.set('a', verified(exp(60), 'k1', 'a'));
    cache.set('b', verified(exp(600), 'k1', 'b'));
    cache.set('c', verified(exp(600), 'k2', 'c'));
    clock.advance(60_000);
    expect(cache.purgeExpired()).toBe(1);
    expect(cache.deleteKid('k1')).toBe(1);
    expect(cache.keys()).toEqual([tokenCacheKey('c')]);
  });
});

describe('CachedVerifier', () => {
  let clock: FakeClock;
  let keyring: Keyring;
  let calls: number;
  let verifier: CachedVerifier;

  async function issue(ttlSeconds = 900): Promise<string> {
    const signed = await signAccessToken({ issuer: ISSUER, subject: 'usr_1', audience: AUDIENCE, sessionId: 'ses_1', ttlSeconds }, keyring);
    return signed.token.reveal();
  }

  beforeEach(async () => {
    clock = new FakeClock();
    keyring = new Keyring({ clock });
    await keyring.rotate();
    calls = 0;
    verifier = new CachedVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      keyring,
      clock,
      verify: (token) => {
        calls++;
        return verifyAccessToken(token, { issuer: ISSUER, audience: AUDIENCE, keyring, clock });
      },
    });
  });

  it('verifies the signature once per token, then serves the claims from the cache', async () => {
    const token = await issue();
    const first = await verifier.verify(token);
    const second = await verifier.verify(token);
    expect(calls).toBe(1);
    expect(second).toBe(first);
    await verifier.verify(await issue());
    expect(calls).toBe(2);
  });

  it('verifies again once the token has expired, and answers token_expired', async () => {
    const token = await issue(60);
    await verifier.verify(token);
    clock.advance(59_999);
    await verifier.verify(token);
    expect(calls).toBe(1);
    clock.advance(1 + 5_000); // past exp and the verifier's clock tolerance
    const error = await verifier.verify(token).catch((e: unknown) => e);
    expect((error as DomainError).code).toBe('token_expired');
    expect(calls).toBe(2);
    expect(verifier.size).toBe(0);
  });

  it('never caches a refusal: a bad token is checked each time', async () => {
    const bad = `${(await issue()).slice(0, -4)}AAAA`;
    for (let i = 0; i < 2; i++) {
      const error = await verifier.verify(bad).catch((e: unknown) => e);
      expect((error as DomainError).code).toBe('token_invalid');
    }
    expect(calls).toBe(2);
    expect(verifier.size).toBe(0);
  });

  it('refuses a cached token once its key is retired (the state is checked on every hit)', async () => {
    const token = await issue();
    const { kid } = await verifier.verify(token);
    await keyring.rotate();
    await verifier.verify(token); // the retiring key still verifies, from the cache
    expect(calls).toBe(1);
    keyring.retire(kid);
    const error = await verifier.verify(token).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('token_invalid');
    expect(verifier.size).toBe(0);
  });

  it('does not hash oversized input, and refuses it', async () => {
    const error = await verifier.verify('a'.repeat(100_000)).catch((e: unknown) => e);
    expect((error as DomainError).code).toBe('token_invalid');
    expect(verifier.size).toBe(0);
  });

  it('uses verifyAccessToken when no verify function is given', async () => {
    const plain = new CachedVerifier({ issuer: ISSUER, audience: AUDIENCE, keyring, clock, maxEntries: 10 });
    const token = await issue();
    expect((await plain.verify(token)).claims.sid).toBe('ses_1');
    const other = new CachedVerifier({ issuer: ISSUER, audience: 'another-audience', keyring, clock });
    expect(((await other.verify(token).catch((e: unknown) => e)) as DomainError).code).toBe('token_invalid');
    expect(plain.forgetKid(keyring.signingKey().kid)).toBe(1);
  });
});
