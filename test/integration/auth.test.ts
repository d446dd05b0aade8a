/**
 * The identity routes through the real server, on every backend: password login, `/me`,
 * refresh-token rotation, logout, discovery documents, disabled accounts, rehash on login,
 * per-account backoff on a fake clock, a busy hasher, and the audit trail of every attempt.
 */
import { hash as bcryptHash } from '@node-rs/bcrypt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { nodeRsBackend, PasswordHasher } from '../../src/identity/accounts/crypto/password-hasher.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, login, loginRequest, me, refreshRequest } from '../helpers/identity.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

for (const backend of await backends()) {
  describe(`identity routes on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let audit: MemoryAuditLog;
    let clock: FakeClock;

    beforeEach(async () => {
      store = await backend.create();
      audit = new MemoryAuditLog();
      clock = new FakeClock(Date.now());
      server = await testServer(store, { env: ADMIN_ENV, audit, clock });
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('logs the bootstrap admin in and answers /me with the system org membership', async () => {
      const grant = await login(server.app);
      expect(grant.token_type).toBe('Bearer');
      expect(grant.expires_in).toBe(900);
      expect(grant.refresh_token).toMatch(/^rt_[A-Za-z0-9_-]{43}$/);
      expect(grant.session_id).toMatch(/^ses_/);
      expect(grant.user).toMatchObject({ email: ADMIN_EMAIL, status: 'active' });
      const answer = await me(server.app, grant.access_token);
      expect(answer.statusCode).toBe(200);
      expect(answer.headers['cache-control']).toBe('no-store');
      expect(answer.json()).toMatchObject({
        user: { id: grant.user.id, email: ADMIN_EMAIL },
        memberships: [{ org_slug: 'system', role: 'owner' }],
        mfa: { enabled: false },
      });
    });

    it('refuses /me without a token, and with a garbage one', async () => {
      const none = await server.app.inject({ method: 'GET', url: '/api/v1/me' });
      expectProblem(none, 'unauthenticated');
      expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
      expectProblem(await me(server.app, 'not.a.jwt'), 'token_invalid');
    });

    it('answers a wrong password with 401 invalid_credentials, and a cookie login without an allowed Origin with 403 csrf_failed', async () => {
      expectProblem(await loginRequest(server.app, ADMIN_EMAIL, 'wrong password, long enough'), 'invalid_credentials');
      const cookie = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD, mode: 'cookie' },
      });
      // Cookie sessions: test/integration/browser-sessions.test.ts; login CSRF: test/security/cookie-csrf-fixation.test.ts.
      expectProblem(cookie, 'csrf_failed');
      expect(cookie.headers['set-cookie']).toBeUndefined();
      const extra = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD, admin: true },
      });
      expectProblem(extra, 'validation_failed');
    });

    it('rotates the refresh token on every use: a new pair, the session kept', async () => {
      const first = await login(server.app);
      const response = await refreshRequest(server.app, first.refresh_token);
      expect(response.statusCode, response.body).toBe(200);
      const second = response.json<typeof first>();
      expect(second.refresh_token).not.toBe(first.refresh_token);
      expect(second.session_id).toBe(first.session_id);
      expect((await me(server.app, second.access_token)).statusCode).toBe(200);
      expectProblem(await refreshRequest(server.app, 'rt_unknown'), 'token_invalid');
      expectProblem(await refreshRequest(server.app, `rt_${'A'.repeat(43)}`), 'token_invalid');
    });

    it('logout revokes the session: its access and refresh tokens are refused at once', async () => {
      const grant = await login(server.app);
      const out = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/logout',
        headers: { authorization: `Bearer ${grant.access_token}` },
      });
      expect(out.statusCode).toBe(204);
      expectProblem(await me(server.app, grant.access_token), 'session_revoked');
      expectProblem(await refreshRequest(server.app, grant.refresh_token), 'session_revoked');
      const session = await server.rampart.identity.sessions.find(grant.session_id);
      expect(session?.revokeReason).toBe('logout');
      expectProblem(await server.app.inject({ method: 'POST', url: '/api/v1/auth/logout' }), 'unauthenticated');
    });

    it('publishes the JWKS (public members only) and the discovery document', async () => {
      const jwks = await server.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
      expect(jwks.statusCode).toBe(200);
      const keys = jwks.json<{ keys: Record<string, string>[] }>().keys;
      expect(keys).toHaveLength(1);
      expect(keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
      expect(keys[0]).not.toHaveProperty('d');
      const grant = await login(server.app);
      const header = JSON.parse(Buffer.from(grant.access_token.split('.')[0] ?? '', 'base64url').toString()) as { kid: string };
      expect(header.kid).toBe(keys[0]?.kid);
      const discovery = await server.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' });
      expect(discovery.json()).toMatchObject({
        issuer: 'https://rampart.example.test',
        jwks_uri: 'https://rampart.example.test/.well-known/jwks.json',
        access_token_signing_alg_values_supported: ['EdDSA'],
      });
      // Nothing is advertised that is not served: each OAuth endpoint answers (an OAuth error, not 404).
      for (const name of ['token_endpoint', 'introspection_endpoint', 'revocation_endpoint']) {
        const url = new URL(discovery.json<Record<string, string>>()[name] ?? '');
        expect(url.origin).toBe('https://rampart.example.test');
        const served = await server.app.inject({
          method: 'POST',
          url: url.pathname,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: '',
        });
        expect(served.statusCode, name).not.toBe(404);
      }
    });

    it('a token carries the spec claims with iss and aud = RAMPART_PUBLIC_URL', async () => {
      const grant = await login(server.app);
      const claims = JSON.parse(Buffer.from(grant.access_token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
      expect(claims).toMatchObject({
        iss: 'https://rampart.example.test',
        aud: 'https://rampart.example.test',
        sub: grant.user.id,
        sid: grant.session_id,
        email: ADMIN_EMAIL,
      });
      // hardening 13: `scope` on every token (the bootstrap admin's platform permissions here).
      expect(Object.keys(claims).sort()).toEqual(['aud', 'email', 'exp', 'iat', 'iss', 'jti', 'nbf', 'scope', 'sid', 'sub']);
      expect(claims['scope']).toBe('metrics.read users.manage');
    });

    it('disabling an account revokes its sessions and refuses its login with the same 401', async () => {
      const grant = await login(server.app);
      await server.rampart.identity.userStatus.setStatus(grant.user.id, 'disabled');
      expectProblem(await me(server.app, grant.access_token), 'session_revoked');
      expectProblem(await refreshRequest(server.app, grant.refresh_token), 'session_revoked');
      expectProblem(await loginRequest(server.app, ADMIN_EMAIL, ADMIN_PASSWORD), 'invalid_credentials');
      await server.rampart.identity.userStatus.setStatus(grant.user.id, 'active');
      await login(server.app);
    });

    it('upgrades an imported bcrypt hash to argon2id at the first login', async () => {
      const { users } = server.rampart.identity;
      await users.create({
        id: 'usr_imported',
        email: 'imported@example.test',
        name: null,
        passwordHash: await bcryptHash('imported password 1', 4),
        now: clock.now(),
      });
      await login(server.app, 'imported@example.test', 'imported password 1');
      expect((await users.findById('usr_imported'))?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      await login(server.app, 'imported@example.test', 'imported password 1');
    });

    it('backs an account off after 5 failures, refusing even the right password with the same 401, and lets it in once the backoff ends', async () => {
      for (let i = 0; i < 5; i++) expectProblem(await loginRequest(server.app, ADMIN_EMAIL, `wrong password ${i}`), 'invalid_credentials');
      const user = await server.rampart.identity.users.findByEmail(ADMIN_EMAIL);
      expect(user).toMatchObject({ failedLogins: 5, nextLoginAt: clock.now() + 1000 });
      expectProblem(await loginRequest(server.app, ADMIN_EMAIL, ADMIN_PASSWORD), 'invalid_credentials');
      clock.advance(1000);
      expectProblem(await loginRequest(server.app, ADMIN_EMAIL, 'wrong password 6'), 'invalid_credentials');
      expect(await server.rampart.identity.users.findByEmail(ADMIN_EMAIL)).toMatchObject({
        failedLogins: 6,
        nextLoginAt: clock.now() + 2000,
      });
      clock.advance(2000);
      await login(server.app);
      expect(await server.rampart.identity.users.findByEmail(ADMIN_EMAIL)).toMatchObject({ failedLogins: 0, nextLoginAt: null });
    });

    it('audits every attempt, both outcomes, with IP, user agent and request id, never the password', async () => {
      await loginRequest(server.app, ADMIN_EMAIL, 'a wrong password here', { 'user-agent': 'test-agent', 'x-request-id': 'req-fail' });
      await loginRequest(server.app, 'nobody@example.test', 'a wrong password here', { 'x-request-id': 'req-unknown' });
      await loginRequest(server.app, ADMIN_EMAIL, ADMIN_PASSWORD, { 'user-agent': 'test-agent', 'x-request-id': 'req-ok' });
      const logins = audit.events().filter((event) => event.action === 'auth.login');
      expect(logins.map((event) => [event.result, event.reason ?? null, event.requestId])).toEqual([
        ['failure', 'wrong_password', 'req-fail'],
        ['failure', 'unknown_account', 'req-unknown'],
        ['success', null, 'req-ok'],
      ]);
      expect(logins[0]).toMatchObject({ sourceIp: '127.0.0.1', userAgent: 'test-agent', actor: { type: 'user' } });
      expect(logins[1]?.actor).toEqual({ type: 'user', id: null });
      const text = JSON.stringify(audit.events());
      expect(text).not.toContain(ADMIN_PASSWORD);
      expect(text).not.toContain('a wrong password here');
    });
  });
}

describe('a saturated password hasher', () => {
  let store: BackendInstance;
  let server: TestServer;

  afterEach(async () => {
    await server?.close();
    await store?.cleanup();
  });

  it('answers 429 with Retry-After at once instead of queueing', async () => {
    store = await (await backends())[0]!.create();
    let release: () => void = () => undefined;
    let gated = false;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const backend = {
      ...nodeRsBackend,
      argon2Verify: async (phc: string, password: Uint8Array) => {
        if (gated) await gate;
        return nodeRsBackend.argon2Verify(phc, password);
      },
    };
    const hasher = new PasswordHasher({ backend, maxConcurrent: 1, maxQueued: 0, threadPoolSize: 4 });
    server = await testServer(store, { env: ADMIN_ENV, passwordHasher: hasher });
    gated = true;
    const first = loginRequest(server.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    await new Promise((resolve) => setImmediate(resolve));
    while (hasher.load.running === 0) await new Promise((resolve) => setImmediate(resolve));
    const busy = await loginRequest(server.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    expectProblem(busy, 'rate_limited');
    expect(Number(busy.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    release();
    expect((await first).statusCode).toBe(200);
  });
});
