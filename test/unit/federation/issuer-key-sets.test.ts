/**
 * The trusted issuers' key cache (src/federation/issuers/services/issuer-key-sets.ts) over a
 * JwksSource that counts and can fail: an attacker's stream of unknown `kid`s costs the issuer one
 * fetch a minute, concurrent callers share one fetch, and an outage neither loses the keys already
 * held nor lets unverifiable tokens through.
 */
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyIssuerToken } from '../../../src/federation/issuers/crypto/issuer-token.js';
import { IssuerTokenRefusal } from '../../../src/federation/issuers/domain/issuer-refusal.js';
import { parseTrustedIssuers, type TrustedIssuer } from '../../../src/federation/issuers/domain/trusted-issuer.js';
import { JwksUnavailableError, type JwksSource } from '../../../src/federation/issuers/ports/jwks-source.js';
import { IssuerKeySets, MIN_REFRESH_INTERVAL_MS } from '../../../src/federation/issuers/services/issuer-key-sets.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const ISSUER: TrustedIssuer = parseTrustedIssuers(
  JSON.stringify([
    {
      name: 'unit',
      issuer: 'https://issuer.unit.test',
      jwks_uri: 'https://issuer.unit.test/jwks',
      audience: 'https://rampart.unit.test',
      algorithms: ['ES256'],
      max_lifetime_seconds: 300,
      service: { claim: 'sub', owner: 'usr_0123abcd' },
      orgs: ['org_0123abcd'],
      role: 'viewer',
    },
  ]),
  'https://rampart.unit.test',
)[0] as TrustedIssuer;

/** A JWKS that answers what it is given, counts the asks, and can be down. */
class CountingSource implements JwksSource {
  keys: JWK[] = [];
  down = false;
  fetches = 0;

  async fetch(): Promise<unknown> {
    this.fetches += 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (this.down) throw new JwksUnavailableError('connect_error');
    return { keys: this.keys };
  }
}

type Pair = Awaited<ReturnType<typeof generateKeyPair>>;

describe('trusted issuer key sets', () => {
  let a: Pair;
  let b: Pair;
  let jwkA: JWK;
  let jwkB: JWK;

  beforeAll(async () => {
    [a, b] = await Promise.all([generateKeyPair('ES256', { extractable: true }), generateKeyPair('ES256', { extractable: true })]);
    jwkA = { ...(await exportJWK(a.publicKey)), kid: 'a', alg: 'ES256' };
    jwkB = { ...(await exportJWK(b.publicKey)), kid: 'b', alg: 'ES256' };
  });

  const token = (clock: FakeClock, pair: Pair, kid: string) =>
    new SignJWT({ sub: 'x' })
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuer(ISSUER.issuer)
      .setAudience(ISSUER.audience)
      .setIssuedAt(Math.floor(clock.now() / 1000))
      .setExpirationTime(Math.floor(clock.now() / 1000) + 60)
      .sign(pair.privateKey);

  async function reason(promise: Promise<unknown>): Promise<string> {
    try {
      await promise;
      return 'accepted';
    } catch (error) {
      return error instanceof IssuerTokenRefusal ? error.reason : 'threw';
    }
  }

  it('federation 5: concurrent tokens with unknown kids share one fetch, and the refresh is throttled to once a minute', async () => {
    const clock = new FakeClock();
    const source = new CountingSource();
    source.keys = [jwkA];
    const sets = new IssuerKeySets({ source, clock });
    const verify = async (pair: Pair, kid: string) =>
      reason(verifyIssuerToken(await token(clock, pair, kid), ISSUER, sets.keysFor(ISSUER), clock.now()));
    expect(await verify(a, 'a')).toBe('accepted');
    expect(source.fetches).toBe(1);
    const forged = await Promise.all(Array.from({ length: 20 }, (_, i) => verify(b, `random-${i}`)));
    expect(forged.every((r) => r === 'unknown_key')).toBe(true);
    expect(source.fetches).toBe(1); // the first fetch was less than a minute ago
    clock.advance(MIN_REFRESH_INTERVAL_MS);
    source.keys = [jwkA, jwkB];
    const rotated = await Promise.all(Array.from({ length: 10 }, () => verify(b, 'b')));
    expect(rotated.every((r) => r === 'accepted')).toBe(true);
    expect(source.fetches).toBe(2);
  });

  it('federation 5: an outage keeps the keys held, and with none held fails closed without retrying within the minute', async () => {
    const clock = new FakeClock();
    const source = new CountingSource();
    source.keys = [jwkA];
    source.down = true;
    const sets = new IssuerKeySets({ source, clock });
    const verify = async () => reason(verifyIssuerToken(await token(clock, a, 'a'), ISSUER, sets.keysFor(ISSUER), clock.now()));
    expect(await verify()).toBe('jwks_unavailable');
    expect(await verify()).toBe('jwks_unavailable');
    expect(source.fetches).toBe(1);
    clock.advance(MIN_REFRESH_INTERVAL_MS);
    source.down = false;
    expect(await verify()).toBe('accepted');
    source.down = true;
    clock.advance(11 * 60_000); // stale: refreshed in the background, which fails
    expect(await verify()).toBe('accepted');
    expect(source.fetches).toBe(3);
  });

  it('federation 5: a JWKS entry with private or symmetric key material is never used', async () => {
    const clock = new FakeClock();
    const source = new CountingSource();
    source.keys = [
      { ...(await exportJWK(a.privateKey)), kid: 'a', alg: 'ES256' },
      { kty: 'oct', k: 'c2VjcmV0', kid: 'h' },
    ];
    const sets = new IssuerKeySets({ source, clock });
    expect(await reason(verifyIssuerToken(await token(clock, a, 'a'), ISSUER, sets.keysFor(ISSUER), clock.now()))).toBe('unknown_key');
  });
});
