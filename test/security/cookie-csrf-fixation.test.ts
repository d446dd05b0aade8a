/**
 * Attacks on browser sessions, and the state after each refusal.
 * - CSRF: a page on another site makes the victim's browser send a state-changing request; the
 *   SameSite=Strict cookie stops most of it, and Rampart refuses any cookie-authenticated unsafe
 *   request without an allowed Origin, `Sec-Fetch-Site: same-origin` or the session's CSRF token.
 * - Login CSRF: a cross-site page logs the victim into a session (cookie mode needs an allowed Origin).
 * - Fixation: an attacker plants a session cookie before the victim logs in, hoping the login
 *   elevates it; the login issues a new id, and the planted one is dead afterwards.
 * - Revocation: a revoked browser session is refused by a second instance within 1 s (Redis bus).
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { cookieLogin, ORIGIN } from '../helpers/browser.js';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, login } from '../helpers/identity.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { REDIS_URL, redisAvailable } from '../helpers/services.js';

const redisUp = await redisAvailable();
const ENV = { ...ADMIN_ENV, RAMPART_LOGIN_RATE_LIMIT: '1000', RAMPART_CORS_ORIGINS: 'https://app.example.test' };

function revokeSession(
  app: FastifyInstance,
  cookie: string,
  target: string,
  headers: Record<string, string>,
): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'DELETE', url: `/api/v1/me/sessions/${target}`, headers: { cookie, ...headers } });
}

async function eventually(check: () => Promise<boolean>, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

for (const backend of await backends()) {
  describe(`cookie session attacks on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    const extra: TestServer[] = [];

    beforeEach(async () => {
      store = await backend.create();
      server = await testServer(store, { env: ENV });
    });

    afterEach(async () => {
      for (const s of extra.splice(0)) await s.close();
      await server?.close();
      await store?.cleanup();
    });

    const refusedCases: [string, Record<string, string>][] = [
      ['no Origin and no Sec-Fetch-Site', {}],
      ['a foreign Origin', { origin: 'https://evil.example' }],
      ['a foreign Origin with a forged Sec-Fetch-Site: same-origin', { origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' }],
      ['Sec-Fetch-Site: cross-site without Origin', { 'sec-fetch-site': 'cross-site' }],
      ['Origin: null (a sandboxed frame)', { origin: 'null' }],
      ['a look-alike origin (other port)', { origin: 'https://rampart.example.test:8443' }],
      ['a wrong X-Rampart-CSRF token, even with an allowed Origin', { origin: ORIGIN, 'x-rampart-csrf': 'A'.repeat(43) }],
    ];
    for (const [name, headers] of refusedCases) {
      it(`CSRF: a cookie-authenticated DELETE with ${name} is 403 csrf_failed and revokes nothing`, async () => {
        const browser = await cookieLogin(server.app);
        const victim = await login(server.app);
        expectProblem(await revokeSession(server.app, browser.cookie, victim.session_id, headers), 'csrf_failed');
        expect((await server.rampart.identity.sessions.find(victim.session_id))?.revokedAt).toBeNull();
        expect((await server.rampart.identity.sessions.find(browser.sessionId))?.revokedAt).toBeNull();
      });
    }

    const acceptedCases: [string, (csrf: string) => Record<string, string>][] = [
      ['the Origin of RAMPART_PUBLIC_URL', () => ({ origin: ORIGIN })],
      ['an Origin listed in RAMPART_CORS_ORIGINS', () => ({ origin: 'https://app.example.test' })],
      ['no Origin and Sec-Fetch-Site: same-origin', () => ({ 'sec-fetch-site': 'same-origin' })],
      ["the session's X-Rampart-CSRF token (no Origin)", (csrf) => ({ 'x-rampart-csrf': csrf })],
    ];
    for (const [name, headers] of acceptedCases) {
      it(`CSRF: a cookie-authenticated DELETE with ${name} is accepted`, async () => {
        const browser = await cookieLogin(server.app);
        const victim = await login(server.app);
        const response = await revokeSession(server.app, browser.cookie, victim.session_id, headers(browser.csrf));
        expect(response.statusCode, response.body).toBe(204);
        expect((await server.rampart.identity.sessions.find(victim.session_id))?.revokedAt).not.toBeNull();
      });
    }

    it('CSRF: the token of another session does not pass', async () => {
      const browser = await cookieLogin(server.app);
      const other = await cookieLogin(server.app);
      const victim = await login(server.app);
      expectProblem(await revokeSession(server.app, browser.cookie, victim.session_id, { 'x-rampart-csrf': other.csrf }), 'csrf_failed');
      expect((await server.rampart.identity.sessions.find(victim.session_id))?.revokedAt).toBeNull();
    });

    it('CSRF: safe methods need no check (GET with a foreign Origin is answered)', async () => {
      const browser = await cookieLogin(server.app);
      const response = await server.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        headers: { cookie: browser.cookie, origin: 'https://evil.example' },
      });
      expect(response.statusCode).toBe(200);
    });

    it('CSRF: logout by a cross-site request is refused and the session stays live', async () => {
      const browser = await cookieLogin(server.app);
      expectProblem(
        await server.app.inject({
          method: 'POST',
          url: '/api/v1/auth/logout',
          headers: { cookie: browser.cookie, origin: 'https://evil.example' },
        }),
        'csrf_failed',
      );
      expect((await server.rampart.identity.sessions.find(browser.sessionId))?.revokedAt).toBeNull();
    });

    it('login CSRF: a cookie login without an allowed Origin is 403 csrf_failed and opens no session', async () => {
      const user = (await server.rampart.identity.users.findByEmail(ADMIN_EMAIL))?.id ?? '';
      for (const headers of [{}, { origin: 'https://evil.example' }]) {
        const response = await server.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          headers,
          payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD, mode: 'cookie' },
        });
        expectProblem(response, 'csrf_failed');
        expect(response.headers['set-cookie']).toBeUndefined();
      }
      expect(await server.rampart.identity.sessions.listLive(user, Date.now())).toEqual([]);
    });

    it('fixation: a cookie planted before login is not the one after, and is refused afterwards', async () => {
      const planted = `__Host-rampart_session=ses_${'ab'.repeat(16)}.${'P'.repeat(43)}`;
      const after = await cookieLogin(server.app, { cookie: planted });
      expect(after.cookie).not.toBe(planted);
      expect(after.sessionId).not.toBe(`ses_${'ab'.repeat(16)}`);
      expectProblem(await server.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: planted } }), 'token_invalid');
      expect(await server.rampart.identity.sessions.find(`ses_${'ab'.repeat(16)}`)).toBeUndefined();
    });

    it("fixation: a live session cookie the browser holds at login (the attacker's own) is replaced and revoked", async () => {
      // The attacker logs in, then plants their own valid cookie in the victim's browser.
      const attackers = await cookieLogin(server.app);
      const victims = await cookieLogin(server.app, { cookie: attackers.cookie });
      expect(victims.sessionId).not.toBe(attackers.sessionId);
      expectProblem(
        await server.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: attackers.cookie } }),
        'session_revoked',
      );
      expect((await server.rampart.identity.sessions.find(attackers.sessionId))?.revokeReason).toBe('privilege_change');
      expect((await server.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: victims.cookie } })).statusCode).toBe(200);
    });

    it('a stolen cookie id with a guessed secret is refused and does not end the real session', async () => {
      const browser = await cookieLogin(server.app);
      const forged = `__Host-rampart_session=${browser.sessionId}.${'Z'.repeat(43)}`;
      expectProblem(await server.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: forged } }), 'token_invalid');
      // A forged cookie at login cannot revoke the victim's session either.
      await cookieLogin(server.app, { cookie: forged });
      expect((await server.rampart.identity.sessions.find(browser.sessionId))?.revokedAt).toBeNull();
    });

    describe.skipIf(!redisUp)('two instances over one store and Redis', () => {
      it('a browser session logged out on A is refused on B within 1 s', async () => {
        const env = { ...ENV, RAMPART_REDIS_URL: REDIS_URL };
        const a = await testServer(store, { env });
        extra.push(a);
        const b = await testServer(store, { env });
        extra.push(b);
        const browser = await cookieLogin(a.app);
        // B has verified (and cached) the session.
        expect((await b.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: browser.cookie } })).statusCode).toBe(200);
        const out = await a.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: browser.cookie, origin: ORIGIN } });
        expect(out.statusCode).toBe(204);
        const started = Date.now();
        const refused = await eventually(
          async () => (await b.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: browser.cookie } })).statusCode === 401,
          1000,
        );
        expect(refused, `refused after ${Date.now() - started} ms`).toBe(true);
        expectProblem(await b.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: browser.cookie } }), 'session_revoked');
      });
    });
  });
}
