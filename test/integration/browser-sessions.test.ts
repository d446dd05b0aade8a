/**
 * Browser sessions (test/fixtures/spec-api-v1.md, "Authentication"; docs/decisions/007-browser-sessions.md):
 * `mode: "cookie"` login, the exact cookie, the server-side store holding only SHA-256 of the
 * secret, the cookie authenticator, logout, the caller's session list, a new id at a privilege
 * change, idle and absolute expiry with a fake clock, and the `last_seen_at` write budget.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { COOKIE_SHAPE, cookieLogin, ORIGIN, sessionSetCookie } from '../helpers/browser.js';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, login } from '../helpers/identity.js';
import { STEP_MS, totpCode } from '../helpers/mfa.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const ENV = { ...ADMIN_ENV, RAMPART_LOGIN_RATE_LIMIT: '1000' };

function getMe(app: FastifyInstance, cookie: string): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
}

for (const backend of await backends()) {
  describe(`browser sessions on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let clock: FakeClock;
    let audit: MemoryAuditLog;

    beforeEach(async () => {
      store = await backend.create();
      clock = new FakeClock(Date.UTC(2026, 0, 1, 12));
      audit = new MemoryAuditLog();
      server = await testServer(store, { env: ENV, clock, audit });
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('a cookie login sets exactly `__Host-rampart_session=<id>.<secret>; Path=/; Secure; HttpOnly; SameSite=Strict` and returns no token', async () => {
      const login = await cookieLogin(server.app);
      const body = login.response.json<Record<string, unknown>>();
      expect(Object.keys(body).sort()).toEqual(['csrf_token', 'session_id', 'user']);
      expect(body.session_id).toBe(login.sessionId);
      expect(login.response.headers['cache-control']).toContain('no-store');
      // Only SHA-256 of the secret is stored, never the secret.
      const row = await server.stored.db.selectFrom('sessions').selectAll().where('id', '=', login.sessionId).executeTakeFirstOrThrow();
      expect(row.cookie_secret_hash).toBe(createHash('sha256').update(login.secret).digest('hex'));
      expect(JSON.stringify(row)).not.toContain(login.secret);
      // Absolute lifetime: RAMPART_SESSION_ABSOLUTE_TIMEOUT (28800 s) from now.
      expect(row.expires_at).toBe(clock.now() + 28_800_000);
      // No refresh token exists for a browser session.
      expect(await server.stored.db.selectFrom('refresh_tokens').selectAll().where('session_id', '=', login.sessionId).execute()).toEqual(
        [],
      );
    });

    it('the cookie authenticates the caller (via cookie), is audited, and logout clears it and revokes the session', async () => {
      const login = await cookieLogin(server.app);
      const me = await getMe(server.app, login.cookie);
      expect(me.statusCode, me.body).toBe(200);
      expect(me.json<{ user: { email: string } }>().user.email).toBe(ADMIN_EMAIL);

      const out = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/logout',
        headers: { cookie: login.cookie, origin: ORIGIN },
      });
      expect(out.statusCode, out.body).toBe(204);
      expect(out.headers['set-cookie']).toBe('__Host-rampart_session=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Strict');
      expect((await server.rampart.identity.sessions.find(login.sessionId))?.revokeReason).toBe('logout');
      expectProblem(await getMe(server.app, login.cookie), 'session_revoked');

      // Both audited, with the mode; the cookie secret appears in no entry.
      const entries = audit.events().filter((e) => e.resource === login.sessionId);
      expect(entries.map((e) => `${e.action}:${e.result}:${String(e.details?.['mode'])}`)).toEqual([
        'auth.login:success:cookie',
        'auth.logout:success:cookie',
      ]);
      expect(JSON.stringify(audit.events())).not.toContain(login.secret);
    });

    it('a damaged or unknown cookie is refused, not treated as anonymous', async () => {
      const login = await cookieLogin(server.app);
      expectProblem(await getMe(server.app, `${login.cookie.slice(0, -2)}xx`), 'token_invalid');
      expectProblem(await getMe(server.app, '__Host-rampart_session=garbage'), 'token_invalid');
      expectProblem(await getMe(server.app, `__Host-rampart_session=ses_${'0'.repeat(32)}.${'A'.repeat(43)}`), 'token_invalid');
    });

    it('a bearer token next to a cookie wins: the request is not cookie-authenticated (no CSRF needed)', async () => {
      const browser = await cookieLogin(server.app);
      const grant = await login(server.app);
      const response = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/logout',
        headers: { cookie: browser.cookie, authorization: `Bearer ${grant.access_token}` },
      });
      expect(response.statusCode).toBe(204);
      expect((await server.rampart.identity.sessions.find(grant.session_id))?.revokedAt).not.toBeNull();
      expect((await server.rampart.identity.sessions.find(browser.sessionId))?.revokedAt).toBeNull();
    });

    it('GET /api/v1/me/sessions lists the cookie session as current; DELETE revokes another session', async () => {
      const browser = await cookieLogin(server.app);
      const other = await login(server.app);
      const list = await server.app.inject({ method: 'GET', url: '/api/v1/me/sessions', headers: { cookie: browser.cookie } });
      expect(list.statusCode, list.body).toBe(200);
      const sessions = list.json<{ items: { id: string; current: boolean }[] }>().items;
      expect(sessions.find((s) => s.id === browser.sessionId)?.current).toBe(true);
      expect(sessions.find((s) => s.id === other.session_id)?.current).toBe(false);
      const removed = await server.app.inject({
        method: 'DELETE',
        url: `/api/v1/me/sessions/${other.session_id}`,
        headers: { cookie: browser.cookie, origin: ORIGIN },
      });
      expect(removed.statusCode, removed.body).toBe(204);
      expect((await server.rampart.identity.sessions.find(other.session_id))?.revokedAt).not.toBeNull();
    });

    it('idle timeout: a session unused for RAMPART_SESSION_IDLE_TIMEOUT (1800 s) is refused; use keeps it alive', async () => {
      const login = await cookieLogin(server.app);
      clock.advance(1_799_000);
      expect((await getMe(server.app, login.cookie)).statusCode).toBe(200);
      clock.advance(1_799_000);
      expect((await getMe(server.app, login.cookie)).statusCode).toBe(200);
      clock.advance(1_801_000);
      const refused = expectProblem(await getMe(server.app, login.cookie), 'token_expired');
      expect(refused.detail).toMatch(/idle/);
      // A second instance reading the store agrees (no cached state saves it).
      const second = await testServer(store, { env: ENV, clock });
      try {
        expectProblem(await getMe(second.app, login.cookie), 'token_expired');
      } finally {
        await second.close();
      }
    });

    it('absolute timeout: a session in constant use ends RAMPART_SESSION_ABSOLUTE_TIMEOUT (28800 s) after login', async () => {
      const login = await cookieLogin(server.app);
      for (let elapsed = 0; elapsed + 1_200_000 < 28_800_000; elapsed += 1_200_000) {
        clock.advance(1_200_000);
        expect((await getMe(server.app, login.cookie)).statusCode).toBe(200);
      }
      clock.advance(1_200_000);
      const refused = expectProblem(await getMe(server.app, login.cookie), 'token_expired');
      expect(refused.detail).toMatch(/maximum lifetime/);
    });

    it('last_seen_at is written at most once per touch interval, not on every request', async () => {
      const login = await cookieLogin(server.app);
      const lastSeen = async (): Promise<number> =>
        (await server.stored.db.selectFrom('sessions').select('last_seen_at').where('id', '=', login.sessionId).executeTakeFirstOrThrow())
          .last_seen_at;
      const opened = await lastSeen();
      const interval = server.rampart.identity.cookieSessions.touchIntervalMs;
      expect(interval).toBe(60_000);
      for (let i = 0; i < 50; i++) {
        clock.advance(1000);
        expect((await getMe(server.app, login.cookie)).statusCode).toBe(200);
      }
      // 50 requests over 50 s: no write yet.
      expect(await lastSeen()).toBe(opened);
      clock.advance(10_000);
      expect((await getMe(server.app, login.cookie)).statusCode).toBe(200);
      expect(await lastSeen()).toBe(clock.now());
    });

    it('a password change through the cookie session revokes every other session and moves the caller to a new session id', async () => {
      const browser = await cookieLogin(server.app);
      const otherBrowser = await cookieLogin(server.app);
      const token = await login(server.app);
      const changed = await server.app.inject({
        method: 'POST',
        url: '/api/v1/me/password',
        headers: { cookie: browser.cookie, origin: ORIGIN },
        payload: { current_password: ADMIN_PASSWORD, new_password: 'another long passphrase 77' },
      });
      expect(changed.statusCode, changed.body).toBe(204);
      const next = COOKIE_SHAPE.exec(String(changed.headers['set-cookie']));
      expect(next).not.toBeNull();
      const nextCookie = `__Host-rampart_session=${next?.[1]}.${next?.[2]}`;
      expect(next?.[1]).not.toBe(browser.sessionId);
      expect(changed.headers['x-rampart-csrf']).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // The old id, the other browser and the token session are all dead; the new cookie works.
      expectProblem(await getMe(server.app, browser.cookie), 'session_revoked');
      expectProblem(await getMe(server.app, otherBrowser.cookie), 'session_revoked');
      expect((await server.rampart.identity.sessions.find(token.session_id))?.revokeReason).toBe('password_changed');
      expect((await getMe(server.app, nextCookie)).statusCode).toBe(200);
      // The new session keeps the absolute deadline of the login: a privilege change does not extend it.
      expect((await server.rampart.identity.sessions.find(next?.[1] ?? ''))?.expiresAt).toBe(
        (await server.rampart.identity.sessions.find(browser.sessionId))?.expiresAt,
      );
    });

    it('MFA enrolment and removal through the cookie session each move it to a new id; an MFA login can complete as a cookie login', async () => {
      const browser = await cookieLogin(server.app);
      const started = await server.app.inject({
        method: 'POST',
        url: '/api/v1/me/mfa/totp',
        headers: { cookie: browser.cookie, origin: ORIGIN },
      });
      expect(started.statusCode, started.body).toBe(200);
      // Starting an enrolment changes no privilege: same id.
      expect(started.headers['set-cookie']).toBeUndefined();
      const { secret } = started.json<{ secret: string }>();
      const confirmed = await server.app.inject({
        method: 'POST',
        url: '/api/v1/me/mfa/totp/confirm',
        headers: { cookie: browser.cookie, origin: ORIGIN },
        payload: { code: totpCode(secret, clock.now()) },
      });
      expect(confirmed.statusCode, confirmed.body).toBe(200);
      const rotated = COOKIE_SHAPE.exec(String(confirmed.headers['set-cookie']));
      expect(rotated?.[1]).toBeDefined();
      expect(rotated?.[1]).not.toBe(browser.sessionId);
      expectProblem(await getMe(server.app, browser.cookie), 'session_revoked');

      // Now a cookie login needs the second factor; verify with mode "cookie" opens a browser session.
      clock.advance(STEP_MS);
      const first = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { origin: ORIGIN },
        payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD, mode: 'cookie' },
      });
      expect(first.json<{ mfa_required: boolean }>().mfa_required).toBe(true);
      expect(first.headers['set-cookie']).toBeUndefined();
      const verified = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/mfa/verify',
        headers: { origin: ORIGIN },
        payload: { mfa_token: first.json<{ mfa_token: string }>().mfa_token, code: totpCode(secret, clock.now()), mode: 'cookie' },
      });
      expect(verified.statusCode, verified.body).toBe(200);
      const mfaCookie = COOKIE_SHAPE.exec(sessionSetCookie(verified));
      expect(mfaCookie).not.toBeNull();
      expect(Object.keys(verified.json<Record<string, unknown>>()).sort()).toEqual(['csrf_token', 'session_id', 'user']);
      const cookie = `__Host-rampart_session=${mfaCookie?.[1]}.${mfaCookie?.[2]}`;
      expect((await getMe(server.app, cookie)).statusCode).toBe(200);

      clock.advance(STEP_MS);
      const removed = await server.app.inject({
        method: 'DELETE',
        url: '/api/v1/me/mfa/totp',
        headers: { cookie, origin: ORIGIN },
        payload: { code: totpCode(secret, clock.now()) },
      });
      expect(removed.statusCode, removed.body).toBe(204);
      expect(COOKIE_SHAPE.exec(String(removed.headers['set-cookie']))?.[1]).not.toBe(mfaCookie?.[1]);
      expectProblem(await getMe(server.app, cookie), 'session_revoked');
    });

    it('a role change of another user (privilegeChanged) revokes their browser sessions, not their token sessions', async () => {
      const browser = await cookieLogin(server.app);
      const token = await login(server.app);
      const revoked = await server.rampart.identity.cookieSessions.privilegeChanged(token.user.id);
      expect(revoked).toEqual([browser.sessionId]);
      expectProblem(await getMe(server.app, browser.cookie), 'session_revoked');
      expect((await server.rampart.identity.sessions.find(token.session_id))?.revokedAt).toBeNull();
    });

    it("GET /api/v1/auth/csrf returns the session's CSRF token (the one the login returned)", async () => {
      const browser = await cookieLogin(server.app);
      const response = await server.app.inject({ method: 'GET', url: '/api/v1/auth/csrf', headers: { cookie: browser.cookie } });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json<{ csrf_token: string }>().csrf_token).toBe(browser.csrf);
      const bearer = await login(server.app);
      expectProblem(
        await server.app.inject({ method: 'GET', url: '/api/v1/auth/csrf', headers: { authorization: `Bearer ${bearer.access_token}` } }),
        'forbidden',
      );
    });
  });
}
