/**
 * Device-bound refresh tokens (RFC 9449 DPoP). The exploit: a refresh token leaks (a log, a
 * backup, malware reading storage) and the thief refreshes from their own machine. A session
 * whose login carried a DPoP proof has its refresh tokens bound to that key: every refresh needs
 * a fresh proof signed by it. Each attack below is refused with 401 `dpop_invalid` and leaves the
 * session and its refresh token exactly as they were — not spent, not revoked.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { hashRefreshToken } from '../../src/identity/tokens/crypto/refresh-token.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, type Grant } from '../helpers/identity.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { REDIS_URL, redisAvailable } from '../helpers/services.js';

const redisUp = await redisAvailable();
const BASE = 'https://rampart.example.test';
const LOGIN_URL = `${BASE}/api/v1/auth/login`;
const REFRESH_URL = `${BASE}/api/v1/auth/refresh`;
const ENV = { ...ADMIN_ENV, RAMPART_LOGIN_RATE_LIMIT: '1000' };

interface DeviceKey {
  readonly privateKey: CryptoKey;
  readonly jwk: JWK;
  readonly jkt: string;
  readonly alg: string;
}

async function deviceKey(alg: 'EdDSA' | 'ES256' = 'EdDSA'): Promise<DeviceKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { privateKey, jwk, jkt: await calculateJwkThumbprint(jwk), alg };
}

interface ProofOptions {
  readonly htm?: string;
  readonly htu?: string;
  readonly iat?: number;
  readonly jti?: string;
  readonly typ?: string;
  readonly jwk?: JWK;
}

async function proof(key: DeviceKey, clock: FakeClock, url: string, options: ProofOptions = {}): Promise<string> {
  return new SignJWT({
    htm: options.htm ?? 'POST',
    htu: options.htu ?? url,
    iat: options.iat ?? Math.floor(clock.now() / 1000),
    jti: options.jti ?? randomUUID(),
  })
    .setProtectedHeader({ alg: key.alg, typ: options.typ ?? 'dpop+jwt', jwk: options.jwk ?? key.jwk })
    .sign(key.privateKey);
}

function loginWith(app: FastifyInstance, headers: Record<string, string>): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/api/v1/auth/login', headers, payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
}

function refreshWith(app: FastifyInstance, token: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/api/v1/auth/refresh', headers, payload: { refresh_token: token } });
}

for (const backend of await backends()) {
  describe(`DPoP-bound refresh on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let clock: FakeClock;
    let audit: MemoryAuditLog;
    let key: DeviceKey;
    let grant: Grant;
    const extra: TestServer[] = [];

    beforeEach(async () => {
      store = await backend.create();
      clock = new FakeClock(Date.UTC(2026, 0, 1, 12));
      audit = new MemoryAuditLog();
      server = await testServer(store, { env: ENV, clock, audit });
      key = await deviceKey();
      const response = await loginWith(server.app, { dpop: await proof(key, clock, LOGIN_URL) });
      expect(response.statusCode, response.body).toBe(200);
      grant = response.json<Grant>();
    });

    afterEach(async () => {
      for (const s of extra.splice(0)) await s.close();
      await server?.close();
      await store?.cleanup();
    });

    /** The session and its refresh token are exactly as the login left them. */
    async function expectUntouched(): Promise<void> {
      const session = await server.rampart.identity.sessions.find(grant.session_id);
      expect(session?.revokedAt).toBeNull();
      expect(session?.dpopJkt).toBe(key.jkt);
      const token = await server.rampart.identity.sessions.findRefreshToken(hashRefreshToken(grant.refresh_token));
      expect(token?.spentAt).toBeNull();
      expect(token?.successorHash).toBeNull();
    }

    it('a login with a DPoP proof binds the session to the key thumbprint (RFC 7638), and a fresh proof by that key refreshes (audited)', async () => {
      expect((await server.rampart.identity.sessions.find(grant.session_id))?.dpopJkt).toBe(key.jkt);
      clock.advance(5000);
      const response = await refreshWith(server.app, grant.refresh_token, { dpop: await proof(key, clock, REFRESH_URL) });
      expect(response.statusCode, response.body).toBe(200);
      const next = response.json<Grant>();
      // The successor stays bound: it too needs a proof.
      expectProblem(await refreshWith(server.app, next.refresh_token), 'dpop_invalid');
      const refreshed = await refreshWith(server.app, next.refresh_token, { dpop: await proof(key, clock, REFRESH_URL) });
      expect(refreshed.statusCode, refreshed.body).toBe(200);
      const entries = audit.events().filter((e) => e.action === 'auth.refresh');
      expect(entries.map((e) => e.result)).toEqual(['success', 'failure', 'success']);
      expect(entries[1]?.reason).toBe('dpop_invalid');
      expect(audit.events().find((e) => e.action === 'auth.login' && e.result === 'success')?.details?.['thumbprint']).toBe(key.jkt);
    });

    it('stolen token, no proof: refused, nothing spent or revoked', async () => {
      expectProblem(await refreshWith(server.app, grant.refresh_token), 'dpop_invalid');
      await expectUntouched();
    });

    it("stolen token, proof by the thief's own key: refused, nothing spent or revoked", async () => {
      const thief = await deviceKey();
      expectProblem(await refreshWith(server.app, grant.refresh_token, { dpop: await proof(thief, clock, REFRESH_URL) }), 'dpop_invalid');
      const otherAlg = await deviceKey('ES256');
      expectProblem(
        await refreshWith(server.app, grant.refresh_token, { dpop: await proof(otherAlg, clock, REFRESH_URL) }),
        'dpop_invalid',
      );
      await expectUntouched();
    });

    it("the thief's key claiming the victim's jwk header: the signature does not verify, refused", async () => {
      const thief = await deviceKey();
      expectProblem(
        await refreshWith(server.app, grant.refresh_token, { dpop: await proof(thief, clock, REFRESH_URL, { jwk: key.jwk }) }),
        'dpop_invalid',
      );
      await expectUntouched();
    });

    it('a replayed proof (same jti) is refused, even for a refresh that would otherwise be valid', async () => {
      const captured = await proof(key, clock, REFRESH_URL);
      const first = await refreshWith(server.app, grant.refresh_token, { dpop: captured });
      expect(first.statusCode).toBe(200);
      const next = first.json<Grant>();
      expectProblem(await refreshWith(server.app, next.refresh_token, { dpop: captured }), 'dpop_invalid');
      const token = await server.rampart.identity.sessions.findRefreshToken(hashRefreshToken(next.refresh_token));
      expect(token?.spentAt).toBeNull();
      expect((await server.rampart.identity.sessions.find(grant.session_id))?.revokedAt).toBeNull();
    });

    it('a stale or future iat (outside ±60 s) is refused', async () => {
      const stale = await proof(key, clock, REFRESH_URL, { iat: Math.floor(clock.now() / 1000) - 61 });
      expectProblem(await refreshWith(server.app, grant.refresh_token, { dpop: stale }), 'dpop_invalid');
      const future = await proof(key, clock, REFRESH_URL, { iat: Math.floor(clock.now() / 1000) + 61 });
      expectProblem(await refreshWith(server.app, grant.refresh_token, { dpop: future }), 'dpop_invalid');
      // A proof made now and presented 2 minutes later (captured and held back).
      const held = await proof(key, clock, REFRESH_URL);
      clock.advance(120_000);
      expectProblem(await refreshWith(server.app, grant.refresh_token, { dpop: held }), 'dpop_invalid');
      await expectUntouched();
    });

    it('a proof made for another request (htu or htm) is refused', async () => {
      for (const options of [{ htu: LOGIN_URL }, { htu: 'https://evil.example/api/v1/auth/refresh' }, { htm: 'GET' }]) {
        expectProblem(
          await refreshWith(server.app, grant.refresh_token, { dpop: await proof(key, clock, REFRESH_URL, options) }),
          'dpop_invalid',
        );
      }
      await expectUntouched();
    });

    it('a proof with the wrong typ, alg none, an HMAC alg or a private key in its jwk is refused', async () => {
      const wrongTyp = await proof(key, clock, REFRESH_URL, { typ: 'JWT' });
      const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
      const claims = { htm: 'POST', htu: REFRESH_URL, iat: Math.floor(clock.now() / 1000), jti: randomUUID() };
      const none = `${b64({ alg: 'none', typ: 'dpop+jwt', jwk: key.jwk })}.${b64(claims)}.`;
      // HS256 keyed with a secret the attacker also puts in the header (`oct` JWK).
      const hmacKey = Buffer.from('x'.repeat(32));
      const hsInput = `${b64({ alg: 'HS256', typ: 'dpop+jwt', jwk: { kty: 'oct', k: hmacKey.toString('base64url') } })}.${b64(claims)}`;
      const hs256 = `${hsInput}.${createHmac('sha256', hmacKey).update(hsInput).digest('base64url')}`;
      const privateJwk = await exportJWK(key.privateKey);
      const leaky = await proof(key, clock, REFRESH_URL, { jwk: privateJwk });
      for (const bad of [wrongTyp, none, hs256, leaky, 'not-a-jwt', '']) {
        expectProblem(await refreshWith(server.app, grant.refresh_token, { dpop: bad }), 'dpop_invalid');
      }
      await expectUntouched();
    });

    it('a spent bound token replayed without the key does not trigger reuse revocation (the thief cannot end the session)', async () => {
      const first = await refreshWith(server.app, grant.refresh_token, { dpop: await proof(key, clock, REFRESH_URL) });
      expect(first.statusCode).toBe(200);
      expectProblem(await refreshWith(server.app, grant.refresh_token), 'dpop_invalid');
      expect((await server.rampart.identity.sessions.find(grant.session_id))?.revokedAt).toBeNull();
      // With the key it is reuse, as for any token: the session is revoked.
      expectProblem(await refreshWith(server.app, grant.refresh_token, { dpop: await proof(key, clock, REFRESH_URL) }), 'session_revoked');
    });

    it('a login with an invalid proof is 401 dpop_invalid and opens no session', async () => {
      const before = await server.rampart.identity.sessions.listLive(grant.user.id, clock.now());
      expectProblem(await loginWith(server.app, { dpop: await proof(key, clock, LOGIN_URL, { htu: REFRESH_URL }) }), 'dpop_invalid');
      expect(await server.rampart.identity.sessions.listLive(grant.user.id, clock.now())).toEqual(before);
    });

    it('an unbound session (login without DPoP) refreshes without a proof', async () => {
      const plain = (await loginWith(server.app, {})).json<Grant>();
      expect((await server.rampart.identity.sessions.find(plain.session_id))?.dpopJkt).toBeNull();
      expect((await refreshWith(server.app, plain.refresh_token)).statusCode).toBe(200);
    });

    describe.skipIf(!redisUp)('two instances sharing Redis', () => {
      it('a proof used on A is refused as a replay on B (the jti cache is shared)', async () => {
        const env = { ...ENV, RAMPART_REDIS_URL: REDIS_URL };
        const a = await testServer(store, { env, clock });
        extra.push(a);
        const b = await testServer(store, { env, clock });
        extra.push(b);
        const logged = await loginWith(a.app, { dpop: await proof(key, clock, LOGIN_URL) });
        expect(logged.statusCode, logged.body).toBe(200);
        const bound = logged.json<Grant>();
        const captured = await proof(key, clock, REFRESH_URL);
        const first = await refreshWith(a.app, bound.refresh_token, { dpop: captured });
        expect(first.statusCode, first.body).toBe(200);
        const next = first.json<Grant>();
        expectProblem(await refreshWith(b.app, next.refresh_token, { dpop: captured }), 'dpop_invalid');
        expect((await b.rampart.identity.sessions.findRefreshToken(hashRefreshToken(next.refresh_token)))?.spentAt).toBeNull();
      });
    });
  });
}
