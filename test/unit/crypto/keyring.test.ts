import { inspect } from 'node:util';
import { decodeProtectedHeader } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { signAccessToken, verifyAccessToken } from '../../../src/identity/tokens/crypto/access-token.js';
import { Keyring, MIN_RETIRE_AFTER_SECONDS } from '../../../src/identity/tokens/crypto/keyring.js';
import { fromRecord, generateSigningKey, toRecord } from '../../../src/identity/tokens/crypto/signing-key.js';
import { DomainError } from '../../../src/kernel/domain/errors.js';
import { secret } from '../../../src/kernel/domain/secret.js';
import { SIGNING_ALGORITHMS, type SigningAlgorithm, type SigningKeyRecord } from '../../../src/identity/tokens/domain/signing-key.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const ISSUER = 'https://rampart.example';
const AUDIENCE = 'rampart';
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const HOUR = 3_600_000;

async function token(keyring: Keyring): Promise<string> {
  const signed = await signAccessToken({ issuer: ISSUER, subject: 'usr_1', audience: AUDIENCE, sessionId: 'ses_1' }, keyring);
  return signed.token.reveal();
}

async function verifies(keyring: Keyring, clock: FakeClock, jwt: string): Promise<boolean> {
  return verifyAccessToken(jwt, { issuer: ISSUER, audience: AUDIENCE, keyring, clock }).then(
    () => true,
    (error: unknown) => {
      if (error instanceof DomainError) return false;
      throw error;
    },
  );
}

const kids = (keyring: Keyring): unknown[] => keyring.jwks().keys.map((key) => key['kid']);

describe('Keyring', () => {
  it('signs with EdDSA (Ed25519) by default, with kid and typ at+jwt in the header', async () => {
    const keyring = new Keyring({ clock: new FakeClock() });
    await keyring.rotate();
    const key = keyring.signingKey();
    expect(key.alg).toBe('EdDSA');
    expect(key.kid).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(decodeProtectedHeader(await token(keyring))).toEqual({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' });
    expect(keyring.jwks().keys).toEqual([{ kty: 'OKP', crv: 'Ed25519', x: key.publicJwk['x'], kid: key.kid, alg: 'EdDSA', use: 'sig' }]);
  });

  it('refuses to sign with no active key (fail closed)', () => {
    const keyring = new Keyring({ clock: new FakeClock() });
    expect(() => keyring.signingKey()).toThrow(/no active/);
    expect(keyring.jwks().keys).toEqual([]);
  });

  it('keeps a retiring key verifying and in the JWKS until retire_after, then drops it', async () => {
    const clock = new FakeClock();
    const keyring = new Keyring({ clock, retireAfterSeconds: 3600 });
    const first = (await keyring.rotate()).added;
    const old = await token(keyring);
    clock.advance(1000);
    const rotation = await keyring.rotate();
    expect(rotation.retiring).toEqual([expect.objectContaining({ kid: first.kid, state: 'retiring', retire_after: clock.now() + HOUR })]);
    // The signer moved to the new key at once.
    expect(keyring.signingKey().kid).toBe(rotation.added.kid);
    expect(decodeProtectedHeader(await token(keyring)).kid).toBe(rotation.added.kid);
    // No request fails across the rotation: the old token still verifies.
    expect(await verifies(keyring, clock, old)).toBe(true);
    expect(kids(keyring)).toEqual([rotation.added.kid, first.kid]);

    clock.advance(HOUR - 1);
    expect(keyring.isVerifying(first.kid)).toBe(true);
    expect(kids(keyring)).toContain(first.kid);

    clock.advance(1);
    expect(keyring.isVerifying(first.kid)).toBe(false);
    expect(kids(keyring)).toEqual([rotation.added.kid]);
    expect(keyring.sweep()).toEqual([expect.objectContaining({ kid: first.kid, state: 'retired' })]);
    expect(keyring.sweep()).toEqual([]);
  });

  it('rotating a key twice keeps the first retiring key', async () => {
    const clock = new FakeClock();
    const keyring = new Keyring({ clock, retireAfterSeconds: 3600 });
    const k1 = (await keyring.rotate()).added;
    clock.advance(1000);
    const k2 = (await keyring.rotate()).added;
    const t1 = await token(keyring); // signed by k2
    clock.advance(10 * 60_000);
    const second = await keyring.rotate();
    // Only k2 was demoted now; k1 kept its own deadline.
    expect(second.retiring.map((r) => r.kid)).toEqual([k2.kid]);
    expect(kids(keyring)).toEqual([second.added.kid, k2.kid, k1.kid]);
    expect(await verifies(keyring, clock, t1)).toBe(true);

    clock.advance(50 * 60_000 - 1); // 1 ms before k1's retire_after
    expect(keyring.isVerifying(k1.kid)).toBe(true);
    clock.advance(1);
    expect(keyring.isVerifying(k1.kid)).toBe(false);
    expect(keyring.isVerifying(k2.kid)).toBe(true);
    clock.advance(10 * 60_000);
    expect(keyring.isVerifying(k2.kid)).toBe(false);
    expect(kids(keyring)).toEqual([second.added.kid]);
  });

  it('retires a leaked key at once: out of the JWKS, its tokens refused', async () => {
    const clock = new FakeClock();
    const keyring = new Keyring({ clock });
    const leaked = (await keyring.rotate()).added;
    const jwt = await token(keyring);
    await keyring.rotate();
    expect(keyring.retire(leaked.kid)).toMatchObject({ kid: leaked.kid, state: 'retired', retire_after: clock.now() });
    expect(await verifies(keyring, clock, jwt)).toBe(false);
    expect(kids(keyring)).not.toContain(leaked.kid);
    expect(() => keyring.retire('no-such-kid')).toThrow(RangeError);
  });

  it.each(SIGNING_ALGORITHMS.map((alg) => [alg]))('selects %s, signs and verifies with it', async (alg: SigningAlgorithm) => {
    const clock = new FakeClock();
    const keyring = new Keyring({ clock, algorithm: alg });
    await keyring.rotate();
    const jwt = await token(keyring);
    expect(decodeProtectedHeader(jwt).alg).toBe(alg);
    expect(await verifies(keyring, clock, jwt)).toBe(true);
  });

  it('switches algorithm on rotation and keeps verifying the old one', async () => {
    const clock = new FakeClock();
    const keyring = new Keyring({ clock });
    await keyring.rotate();
    const eddsa = await token(keyring);
    await keyring.rotate('ES256');
    const es256 = await token(keyring);
    expect(decodeProtectedHeader(es256).alg).toBe('ES256');
    expect(await verifies(keyring, clock, eddsa)).toBe(true);
    expect(await verifies(keyring, clock, es256)).toBe(true);
  });

  it('refuses a retirement delay shorter than a token lifetime plus tolerance', () => {
    const clock = new FakeClock();
    expect(MIN_RETIRE_AFTER_SECONDS).toBe(905);
    for (const bad of [904, 0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new Keyring({ clock, retireAfterSeconds: bad })).toThrow(RangeError);
    }
    expect(() => new Keyring({ clock, algorithm: 'HS256' as SigningAlgorithm })).toThrow(TypeError);
  });

  it('refuses a token TTL over 900 s, and any TTL that is not a whole number of seconds', async () => {
    const keyring = new Keyring({ clock: new FakeClock() });
    await keyring.rotate();
    const request = { issuer: ISSUER, subject: 'usr_1', audience: AUDIENCE, sessionId: 'ses_1' };
    for (const ttlSeconds of [901, 3600, 0, -5, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(signAccessToken({ ...request, ttlSeconds }, keyring)).rejects.toThrow(RangeError);
    }
    const ok = await signAccessToken({ ...request, ttlSeconds: 900 }, keyring);
    expect(ok.claims.exp - ok.claims.iat).toBe(900);
    expect(ok.expiresIn).toBe(900);
  });

  it('refuses to sign without an explicit audience, issuer, subject or session', async () => {
    const keyring = new Keyring({ clock: new FakeClock() });
    await keyring.rotate();
    const request = { issuer: ISSUER, subject: 'usr_1', audience: AUDIENCE, sessionId: 'ses_1' };
    for (const bad of [{ audience: '' }, { audience: [] }, { issuer: '' }, { subject: '' }, { sessionId: '' }]) {
      await expect(signAccessToken({ ...request, ...bad }, keyring)).rejects.toThrow(TypeError);
    }
  });

  it("signs the spec's claims and a random jti", async () => {
    const clock = new FakeClock();
    const keyring = new Keyring({ clock });
    await keyring.rotate();
    const request = {
      issuer: ISSUER,
      subject: 'usr_1',
      audience: AUDIENCE,
      sessionId: 'ses_1',
      scope: 'a b',
      email: 'a@b.c',
      org: 'org_1',
    };
    const a = await signAccessToken(request, keyring);
    const b = await signAccessToken(request, keyring);
    const iat = clock.now() / 1000;
    expect(a.claims).toEqual({
      ...{ iss: ISSUER, sub: 'usr_1', aud: AUDIENCE, sid: 'ses_1', scope: 'a b', email: 'a@b.c', org: 'org_1' },
      iat,
      nbf: iat,
      exp: iat + 900,
      jti: a.claims.jti,
    });
    expect(a.claims.jti).not.toBe(b.claims.jti);
    const verified = await verifyAccessToken(a.token.reveal(), { issuer: ISSUER, audience: AUDIENCE, keyring, clock });
    expect(verified).toEqual({ kid: a.kid, claims: a.claims });
    expect(inspect(a)).not.toContain(a.token.reveal());
  });
});

describe('JWKS', () => {
  let keyring: Keyring;
  beforeAll(async () => {
    keyring = new Keyring({ clock: new FakeClock() });
    for (const alg of SIGNING_ALGORITHMS) await keyring.rotate(alg);
  });

  it('never has a private member, for any algorithm', () => {
    const jwks = keyring.jwks();
    expect(jwks.keys).toHaveLength(3);
    for (const key of jwks.keys) {
      for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
    }
    expect(JSON.stringify(jwks)).not.toMatch(/"(d|p|q|dp|dq|qi)"/);
  });

  it('lists exactly the public members, kid, alg and use', () => {
    const byAlg = Object.fromEntries(keyring.jwks().keys.map((key) => [key['alg'], Object.keys(key).sort()]));
    expect(byAlg).toEqual({
      EdDSA: ['alg', 'crv', 'kid', 'kty', 'use', 'x'],
      ES256: ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'],
      RS256: ['alg', 'e', 'kid', 'kty', 'n', 'use'],
    });
  });
});

describe('signing key records', () => {
  it('round-trip through a record, and a keyring loaded from records verifies earlier tokens', async () => {
    const clock = new FakeClock();
    const keyring = new Keyring({ clock });
    await keyring.rotate();
    await keyring.rotate('ES256');
    const jwt = await token(keyring);
    const reloaded = await Keyring.fromRecords(keyring.records(), { clock });
    expect(reloaded.jwks()).toEqual(keyring.jwks());
    expect(await verifies(reloaded, clock, jwt)).toBe(true);
    expect(reloaded.signingKey().kid).toBe(keyring.signingKey().kid);
  });

  it('keep the private key a Secret: JSON and inspect show no private member', async () => {
    const key = await generateSigningKey('EdDSA', 0);
    const record = toRecord(key);
    const d = record.private_jwk.reveal()['d'] ?? '';
    expect(d.length).toBeGreaterThan(0);
    expect(JSON.stringify(record)).not.toContain(d);
    expect(inspect(record, { depth: 10 })).not.toContain(d);
    expect(inspect(key, { depth: 10 })).not.toContain(d);
    expect(record.public_jwk).not.toHaveProperty('d');
  });

  describe('refused at load', () => {
    let good: SigningKeyRecord;
    let other: SigningKeyRecord;
    beforeAll(async () => {
      good = toRecord(await generateSigningKey('EdDSA', 0));
      other = toRecord(await generateSigningKey('EdDSA', 0));
    });

    it.each<[string, (r: SigningKeyRecord) => SigningKeyRecord, RegExp]>([
      ['a kid that is not base64url', (r) => ({ ...r, kid: '../../etc/passwd' }), /kid/],
      ['an unknown alg', (r) => ({ ...r, alg: 'HS256' as SigningAlgorithm }), /alg/],
      ['an alg that does not fit the key', (r) => ({ ...r, alg: 'ES256' }), /key type/],
      [
        'a public JWK with a private member',
        (r) => ({ ...r, public_jwk: { ...r.public_jwk, d: r.private_jwk.reveal()['d'] ?? '' } }),
        /not public/,
      ],
      ['a private key of another public key', (r) => ({ ...r, private_jwk: other.private_jwk }), /disagree/],
      [
        'a private key whose d belongs to another key',
        (r) => ({ ...r, private_jwk: secret({ ...r.private_jwk.reveal(), d: other.private_jwk.reveal()['d'] ?? '' }) }),
        /cannot be imported|does not match/,
      ],
      ['a retiring key without retire_after', (r) => ({ ...r, state: 'retiring' }), /retire_after/],
      ['an active key with retire_after', (r) => ({ ...r, retire_after: 5 }), /retire_after/],
      ['a non-finite created_at', (r) => ({ ...r, created_at: Number.NaN }), /created_at/],
    ])('%s', async (_what, corrupt, message) => {
      await expect(fromRecord(corrupt(good))).rejects.toThrow(message);
    });
  });
});
