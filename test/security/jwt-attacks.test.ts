/**
 * Attacks on access-token verification (RFC 8725 §2 lists them; each test here is one).
 *
 * - `alg: none`: the attacker drops the signature and asks for none; a verifier that trusts the
 *   header accepts any claims.
 * - Algorithm confusion: the attacker takes our *public* key (from the JWKS) and uses its bytes,
 *   its JWK JSON or its PEM as an HMAC secret with `alg: HS256`; a verifier that picks the
 *   algorithm from the header and the key from the keyring "verifies" the forgery.
 * - Key confusion: an unknown `kid`, or a `kid` that is a path (`../../dev/null`) or SQL — a
 *   verifier that resolves `kid` through a file or a query can be made to use an empty or chosen key.
 * - Key injection: `jku` / `x5u` (fetch my keys from my URL) and `jwk` / `x5c` (here is my key):
 *   the attacker signs with their own key and tells the verifier to trust it.
 * - Tampering: one claim changed, signature kept.
 * - Replay out of time: expired, not yet valid, `iat` in the future, a lifetime beyond 15 min.
 * - Substitution: a token for another audience or from another issuer, an ID token (`typ: JWT`),
 *   a token missing `sid`/`jti`/`exp`, a token signed by a retired (possibly stolen) key.
 *
 * Every attempt must end in `token_invalid` (or `token_expired` for a genuine, expired token), the
 * caller's `detail` must not carry jose's reason, and the keyring must be unchanged afterwards.
 */
import { createHmac, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { CompactSign, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { signAccessToken, verifyAccessToken } from '../../src/identity/tokens/crypto/access-token.js';
import { Keyring } from '../../src/identity/tokens/crypto/keyring.js';
import { DomainError, ERROR_CATALOG, type ErrorCode } from '../../src/kernel/domain/errors.js';
import { FakeClock } from '../helpers/fake-clock.js';

const ISSUER = 'https://rampart.example';
const AUDIENCE = 'https://api.rampart.example';

const clock = new FakeClock();
let keyring: Keyring;
let kid: string;
let privateKey: CryptoKey;
let jwksBefore: string;

const b64 = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(clock.now() / 1000);
  const base: Record<string, unknown> = {
    iss: ISSUER,
    sub: 'usr_attacker',
    aud: AUDIENCE,
    exp: now + 600,
    iat: now,
    nbf: now,
    jti: 'jti-1',
    sid: 'ses_1',
    scope: 'admin',
  };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete base[name];
    else base[name] = value;
  }
  return base;
}

/** A token with any header and payload, signed by `key` (our own, unless the test says otherwise). */
async function signed(header: Record<string, unknown>, payload: Record<string, unknown>, key: CryptoKey = privateKey): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'EdDSA', ...header }).sign(key);
}

function hs256(header: Record<string, unknown>, payload: Record<string, unknown>, secret: Buffer | string): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

async function refusal(token: string, options: { issuer?: string; audience?: string } = {}): Promise<DomainError> {
  const verify = verifyAccessToken(token, { issuer: options.issuer ?? ISSUER, audience: options.audience ?? AUDIENCE, keyring, clock });
  const error: unknown = await verify.then(
    () => new Error('the token was accepted'),
    (e: unknown) => e,
  );
  if (!(error instanceof DomainError)) throw error;
  return error;
}

async function expectRefused(token: string, code: ErrorCode, options: { issuer?: string; audience?: string } = {}): Promise<void> {
  const error = await refusal(token, options);
  expect(error.code).toBe(code);
  // The caller sees the catalog's title only; jose's reason is in `cause`, for the log.
  expect(error.detail).toBe(ERROR_CATALOG[code]);
  expect(error.cause).toBeInstanceOf(Error);
}

beforeAll(async () => {
  keyring = new Keyring({ clock });
  await keyring.rotate();
  const key = keyring.signingKey();
  kid = key.kid;
  privateKey = key.privateKey.reveal();
  jwksBefore = JSON.stringify(keyring.jwks());
});

afterEach(() => {
  // State afterwards: no attack adds, removes or retires a key.
  expect(JSON.stringify(keyring.jwks())).toBe(jwksBefore);
  vi.restoreAllMocks();
});

describe('a genuine token', () => {
  it('is accepted (the baseline every attack below departs from)', async () => {
    const { token } = await signAccessToken({ issuer: ISSUER, subject: 'usr_1', audience: AUDIENCE, sessionId: 'ses_1' }, keyring);
    const verified = await verifyAccessToken(token.reveal(), { issuer: ISSUER, audience: AUDIENCE, keyring, clock });
    expect(verified.claims.sub).toBe('usr_1');
    expect(
      await signed({ kid, typ: 'at+jwt' }, claims()).then((t) =>
        verifyAccessToken(t, { issuer: ISSUER, audience: AUDIENCE, keyring, clock }),
      ),
    ).toBeDefined();
  });
});

describe('algorithm attacks (RFC 8725 §2.1, §3.1)', () => {
  it('refuses alg "none" with an empty signature', async () => {
    const header = { alg: 'none', kid, typ: 'at+jwt' };
    await expectRefused(`${b64(header)}.${b64(claims())}.`, 'token_invalid');
  });

  it('refuses alg "none" carrying a genuine signature of another token', async () => {
    const genuine = await signed({ kid, typ: 'at+jwt' }, claims());
    const signature = genuine.split('.')[2] ?? '';
    await expectRefused(`${b64({ alg: 'none', kid, typ: 'at+jwt' })}.${b64(claims())}.${signature}`, 'token_invalid');
  });

  it('refuses HS256 signed with the raw bytes of our Ed25519 public key', async () => {
    const jwk = keyring.jwks().keys[0] ?? {};
    const publicBytes = Buffer.from(jwk['x'] ?? '', 'base64url');
    expect(publicBytes).toHaveLength(32);
    await expectRefused(hs256({ alg: 'HS256', kid, typ: 'at+jwt' }, claims(), publicBytes), 'token_invalid');
  });

  it('refuses HS256 signed with the JWK JSON of our public key as the HMAC secret', async () => {
    const jwk = keyring.jwks().keys[0] ?? {};
    await expectRefused(hs256({ alg: 'HS256', kid, typ: 'at+jwt' }, claims(), JSON.stringify(jwk)), 'token_invalid');
  });

  it('refuses HS256 signed with the PEM of an RS256 public key (the classic confusion)', async () => {
    const rsa = new Keyring({ clock, algorithm: 'RS256' });
    await rsa.rotate();
    const rsaJwk = rsa.jwks().keys[0] ?? {};
    const pem = createPublicKey({ key: { ...rsaJwk }, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    const forged = hs256({ alg: 'HS256', kid: rsa.signingKey().kid, typ: 'at+jwt' }, claims(), pem);
    const error = await verifyAccessToken(forged, { issuer: ISSUER, audience: AUDIENCE, keyring: rsa, clock }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('token_invalid');
  });

  it("refuses a token whose alg is allowed but is not the key's own (ES256 header on an Ed25519 kid)", async () => {
    const { privateKey: ecKey } = await generateKeyPair('ES256');
    const forged = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims())))
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
      .sign(ecKey);
    await expectRefused(forged, 'token_invalid');
  });
});

describe('kid attacks (RFC 8725 §3.10)', () => {
  it('refuses an unknown kid, even with a valid signature by its own key', async () => {
    const { privateKey: attackerKey } = await generateKeyPair('EdDSA');
    await expectRefused(await signed({ kid: 'attacker-key-0000000001', typ: 'at+jwt' }, claims(), attackerKey), 'token_invalid');
  });

  it.each([
    ['a path traversal', '../../../../../../dev/null'],
    ['an absolute path', '/etc/passwd'],
    ['SQL', "' UNION SELECT 'secret' AS private_jwk --"],
    ['SQL tautology', "x' OR '1'='1"],
    ['a URL', 'https://attacker.example/key.json'],
    ['an empty string', ''],
    ['a prototype member', '__proto__'],
    ['a very long string', 'k'.repeat(5000)],
  ])('refuses a kid that is %s', async (_what, hostile) => {
    // Signed with an empty HMAC key too, for verifiers that would resolve the kid to "nothing".
    await expectRefused(await signed({ kid: hostile, typ: 'at+jwt' }, claims()), 'token_invalid');
    await expectRefused(hs256({ alg: 'HS256', kid: hostile, typ: 'at+jwt' }, claims(), ''), 'token_invalid');
  });

  it.each([
    ['a number', 1],
    ['an object', { $ne: null }],
    ['an array', [kid]],
    ['missing', undefined],
  ])('refuses a kid that is %s', async (_what, hostile) => {
    const header: Record<string, unknown> = { typ: 'at+jwt' };
    if (hostile !== undefined) header['kid'] = hostile;
    await expectRefused(await signed(header, claims()), 'token_invalid');
  });
});

describe('key injection headers (RFC 8725 §3.10, RFC 7515 §4.1.2–4.1.6)', () => {
  let attackerKey: CryptoKey;
  let attackerJwk: JWK;

  beforeAll(async () => {
    const pair = await generateKeyPair('EdDSA', { extractable: true });
    attackerKey = pair.privateKey;
    attackerJwk = await exportJWK(pair.publicKey);
  });

  it.each([
    ['jku', { jku: 'https://attacker.example/jwks.json', kid: 'attacker-key-0000000001' }],
    ['jku with our kid', { jku: 'https://attacker.example/jwks.json' }],
    ['x5u', { x5u: 'https://attacker.example/cert.pem', kid: 'attacker-key-0000000001' }],
  ])('never fetches %s and refuses the token', async (_what, extra) => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const header = { kid, typ: 'at+jwt', ...extra };
    await expectRefused(await signed(header, claims(), attackerKey), 'token_invalid');
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('ignores an embedded jwk (the attacker key that signed the token) and refuses it', async () => {
    await expectRefused(await signed({ typ: 'at+jwt', jwk: attackerJwk }, claims(), attackerKey), 'token_invalid');
    await expectRefused(await signed({ kid, typ: 'at+jwt', jwk: attackerJwk }, claims(), attackerKey), 'token_invalid');
  });

  it('refuses an embedded x5c chain', async () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const der = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    await expectRefused(await signed({ kid, typ: 'at+jwt', x5c: [der] }, claims(), attackerKey), 'token_invalid');
  });

  it('refuses injection headers even on a token our own key signed (we never write them)', async () => {
    await expectRefused(await signed({ kid, typ: 'at+jwt', jku: 'https://attacker.example/jwks.json' }, claims()), 'token_invalid');
    await expectRefused(await signed({ kid, typ: 'at+jwt', jwk: attackerJwk }, claims()), 'token_invalid');
  });
});

describe('tampering', () => {
  it('refuses a token whose payload was changed and signature kept', async () => {
    const genuine = await signed({ kid, typ: 'at+jwt' }, claims({ sub: 'usr_1', scope: 'read' }));
    const [header, , signature] = genuine.split('.');
    await expectRefused(`${header}.${b64(claims({ sub: 'usr_1', scope: 'admin' }))}.${signature}`, 'token_invalid');
  });

  it('refuses a token whose header was changed and signature kept', async () => {
    const genuine = await signed({ kid, typ: 'at+jwt' }, claims());
    const [, payload, signature] = genuine.split('.');
    await expectRefused(`${b64({ alg: 'EdDSA', kid, typ: 'at+jwt', extra: 1 })}.${payload}.${signature}`, 'token_invalid');
  });

  it('checks the signature before any claim: a forged, expired token is invalid, not expired', async () => {
    const genuine = await signed({ kid, typ: 'at+jwt' }, claims());
    const [header, , signature] = genuine.split('.');
    const now = Math.floor(clock.now() / 1000);
    await expectRefused(`${header}.${b64(claims({ exp: now - 3600, iat: now - 4000, nbf: now - 4000 }))}.${signature}`, 'token_invalid');
  });

  it('refuses a token that is not a compact JWS', async () => {
    for (const garbage of ['', 'a.b', 'a.b.c.d', 'not a token', `${'a'.repeat(9000)}.b.c`]) {
      await expectRefused(garbage, 'token_invalid');
    }
  });
});

describe('time (RFC 7519 §4.1.4–4.1.6)', () => {
  it('answers token_expired for a genuine token past exp and the 5 s tolerance', async () => {
    const { token } = await signAccessToken(
      { issuer: ISSUER, subject: 'usr_1', audience: AUDIENCE, sessionId: 'ses_1', ttlSeconds: 60 },
      keyring,
    );
    const later = new FakeClock(clock.now() + 66_000);
    const error = await verifyAccessToken(token.reveal(), { issuer: ISSUER, audience: AUDIENCE, keyring, clock: later }).catch(
      (e: unknown) => e,
    );
    expect((error as DomainError).code).toBe('token_expired');
    expect((error as DomainError).detail).toBe(ERROR_CATALOG.token_expired);
  });

  it('refuses a token not yet valid (nbf in the future)', async () => {
    const now = Math.floor(clock.now() / 1000);
    await expectRefused(await signed({ kid, typ: 'at+jwt' }, claims({ nbf: now + 60 })), 'token_invalid');
  });

  it('refuses a token issued in the future (iat ahead of the clock)', async () => {
    const now = Math.floor(clock.now() / 1000);
    await expectRefused(await signed({ kid, typ: 'at+jwt' }, claims({ iat: now + 60, nbf: now })), 'token_invalid');
  });

  it('refuses a token whose lifetime exceeds 15 minutes', async () => {
    const now = Math.floor(clock.now() / 1000);
    await expectRefused(await signed({ kid, typ: 'at+jwt' }, claims({ exp: now + 901 })), 'token_invalid');
  });

  it.each([['exp'], ['iat'], ['nbf']])('refuses a non-numeric %s', async (claim) => {
    await expectRefused(await signed({ kid, typ: 'at+jwt' }, claims({ [claim]: 'soon' })), 'token_invalid');
  });
});

describe('substitution', () => {
  it('refuses a token for another audience', async () => {
    const { token } = await signAccessToken(
      { issuer: ISSUER, subject: 'usr_1', audience: 'https://other.example', sessionId: 's' },
      keyring,
    );
    await expectRefused(token.reveal(), 'token_invalid');
  });

  it('refuses a token from another issuer', async () => {
    const { token } = await signAccessToken(
      { issuer: 'https://evil.example', subject: 'usr_1', audience: AUDIENCE, sessionId: 's' },
      keyring,
    );
    await expectRefused(token.reveal(), 'token_invalid');
    await expectRefused(await signed({ kid, typ: 'at+jwt' }, claims({ iss: `${ISSUER}/` })), 'token_invalid');
  });

  it.each([['sid'], ['jti'], ['exp'], ['iat'], ['nbf'], ['sub'], ['aud'], ['iss']])('refuses a token missing %s', async (claim) => {
    await expectRefused(await signed({ kid, typ: 'at+jwt' }, claims({ [claim]: undefined })), 'token_invalid');
  });

  it.each([['sid'], ['jti'], ['sub']])('refuses a token whose %s is not a non-empty string', async (claim) => {
    await expectRefused(await signed({ kid, typ: 'at+jwt' }, claims({ [claim]: '' })), 'token_invalid');
    await expectRefused(await signed({ kid, typ: 'at+jwt' }, claims({ [claim]: 42 })), 'token_invalid');
  });

  it('refuses an ID token or generic JWT (typ "JWT", or no typ) — RFC 9068 §4, RFC 8725 §3.11', async () => {
    await expectRefused(await signed({ kid, typ: 'JWT' }, claims()), 'token_invalid');
    await expectRefused(await signed({ kid }, claims()), 'token_invalid');
  });

  it('refuses a token signed by a retired key, including one forged after retirement with the stolen key', async () => {
    const ring = new Keyring({ clock });
    await ring.rotate();
    const old = ring.signingKey();
    const { token } = await signAccessToken({ issuer: ISSUER, subject: 'usr_1', audience: AUDIENCE, sessionId: 's' }, ring);
    await ring.rotate();
    ring.retire(old.kid);
    const options = { issuer: ISSUER, audience: AUDIENCE, keyring: ring, clock };
    const stale = await verifyAccessToken(token.reveal(), options).catch((e: unknown) => e);
    expect((stale as DomainError).code).toBe('token_invalid');
    const forged = await signed({ kid: old.kid, typ: 'at+jwt' }, claims(), old.privateKey.reveal());
    expect(((await verifyAccessToken(forged, options).catch((e: unknown) => e)) as DomainError).code).toBe('token_invalid');
    // State afterwards: the retired key is out of the JWKS; the new one still verifies.
    expect(ring.jwks().keys.map((k) => k['kid'])).toEqual([ring.signingKey().kid]);
  });
});
