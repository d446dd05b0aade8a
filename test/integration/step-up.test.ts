/**
 * Step-up (docs/decisions/012-step-up.md) through the real server, on every backend: a login is
 * fresh for RAMPART_STEP_UP_WINDOW (300 s here, the default); past it, enrolling a second factor and
 * creating an API key answer 401 `step_up_required` with the methods that satisfy it, and nothing
 * is created; `POST /api/v1/auth/step-up` with the password, a TOTP code or a recovery code makes
 * the session fresh again — that session only; a password change counts as a step-up, and can
 * revoke every API key of the caller, saying which. API keys never step up: 403.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ORIGIN } from '../helpers/browser.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, login, refreshRequest, type Grant } from '../helpers/identity.js';
import { enrol, startTotp, STEP_MS, totpCode } from '../helpers/mfa.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const WINDOW_MS = 300_000;
const NEW_PASSWORD = 'a brand new passphrase for the test 7';

function auth(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

function stepUp(app: FastifyInstance, token: string, payload: object): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/api/v1/auth/step-up', headers: auth(token), payload });
}

function createKey(app: FastifyInstance, token: string, name = 'ci'): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: auth(token), payload: { name, scopes: ['users.manage'] } });
}

/** The `__Host-rampart_session` cookie of a response (other cookies, such as a device cookie, aside). */
function sessionCookie(response: LightMyRequestResponse): string {
  const header = response.headers['set-cookie'];
  const all = Array.isArray(header) ? header : header === undefined ? [] : [header];
  const found = all.map((cookie) => /^__Host-rampart_session=([^;]+)/.exec(cookie)?.[1]).find((value) => value !== undefined);
  expect(found, String(header)).toBeDefined();
  return `__Host-rampart_session=${found ?? ''}`;
}

for (const backend of await backends()) {
  describe(`step-up on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let clock: FakeClock;
    let audit: MemoryAuditLog;

    beforeEach(async () => {
      store = await backend.create();
      clock = new FakeClock(Date.UTC(2026, 0, 1, 12));
      audit = new MemoryAuditLog();
      server = await testServer(store, { env: ADMIN_ENV, clock, audit });
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    async function keyCount(userId: string): Promise<number> {
      return (await server.stored.db.selectFrom('api_keys').select('id').where('user_id', '=', userId).execute()).length;
    }

    it('hardening 10: a fresh login may start a TOTP enrolment and create an API key', async () => {
      const grant = await login(server.app);
      clock.advance(WINDOW_MS);
      expect((await createKey(server.app, grant.access_token)).statusCode).toBe(201);
      expect((await startTotp(server.app, grant.access_token)).statusCode).toBe(200);
    });

    it('hardening 10: past the window, enrolling and creating a key are 401 step_up_required with the methods; nothing is created', async () => {
      const grant = await login(server.app);
      clock.advance(WINDOW_MS + 1);
      const refused = expectProblem(await createKey(server.app, grant.access_token), 'step_up_required');
      expect(refused).toMatchObject({ methods: ['password'] });
      expect(refused.detail).not.toMatch(/stepUp|preHandler|authenticated_at/);
      expect(await keyCount(grant.user.id)).toBe(0);
      expectProblem(await startTotp(server.app, grant.access_token), 'step_up_required');
      expect(await server.stored.db.selectFrom('mfa_totp').select('user_id').execute()).toEqual([]);
      expect(audit.events().filter((e) => e.action === 'auth.step_up')).toEqual([
        expect.objectContaining({ result: 'failure', reason: 'step_up_required', details: { route: 'POST /api/v1/api-keys' } }),
        expect.objectContaining({ result: 'failure', reason: 'step_up_required', details: { route: 'POST /api/v1/me/mfa/totp' } }),
      ]);
    });

    it('hardening 10: past the window, rotating a key (which creates its successor) is 401 step_up_required; the key stays the only one', async () => {
      const grant = await login(server.app);
      const created = await createKey(server.app, grant.access_token);
      expect(created.statusCode).toBe(201);
      const { id } = created.json<{ id: string }>();
      const row = () => server.stored.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
      const before = await row();
      clock.advance(WINDOW_MS + 1);
      const rotate = () =>
        server.app.inject({ method: 'POST', url: `/api/v1/api-keys/${id}/rotate`, headers: auth(grant.access_token), payload: {} });
      expectProblem(await rotate(), 'step_up_required');
      expect(await keyCount(grant.user.id)).toBe(1);
      expect(await row()).toEqual(before);
      const stepped = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/step-up',
        headers: auth(grant.access_token),
        payload: { password: ADMIN_PASSWORD },
      });
      expect(stepped.statusCode, stepped.body).toBe(200);
      expect((await rotate()).statusCode).toBe(201);
      expect(await keyCount(grant.user.id)).toBe(2);
    });

    it('hardening 10: a refresh does not freshen a session; a step-up with the password does, for the window', async () => {
      const grant = await login(server.app);
      clock.advance(WINDOW_MS + 1);
      const refreshed = (await refreshRequest(server.app, grant.refresh_token)).json<Grant>();
      expectProblem(await createKey(server.app, refreshed.access_token), 'step_up_required');

      const done = await stepUp(server.app, refreshed.access_token, { password: ADMIN_PASSWORD });
      expect(done.statusCode, done.body).toBe(200);
      expect(done.json()).toEqual({ method: 'password', fresh_until: new Date(clock.now() + WINDOW_MS).toISOString() });
      expect((await createKey(server.app, refreshed.access_token)).statusCode).toBe(201);
      clock.advance(WINDOW_MS + 1);
      expectProblem(await createKey(server.app, refreshed.access_token), 'step_up_required');
      expect(JSON.stringify(audit.events())).not.toContain(ADMIN_PASSWORD);
    });

    it('hardening 10: a wrong step-up password is 401 invalid_credentials, audited, and the session stays stale', async () => {
      const grant = await login(server.app);
      clock.advance(WINDOW_MS + 1);
      expectProblem(await stepUp(server.app, grant.access_token, { password: 'not the password at all' }), 'invalid_credentials');
      expectProblem(await createKey(server.app, grant.access_token), 'step_up_required');
      expect(
        audit
          .events()
          .filter((e) => e.action === 'auth.step_up')
          .map((e) => e.reason),
      ).toEqual(['wrong_password', 'step_up_required']);
      expectProblem(await stepUp(server.app, grant.access_token, { password: ADMIN_PASSWORD, code: '123456' }), 'validation_failed');
    });

    it('hardening 10: with a second factor the methods grow, and a TOTP code or a recovery code steps up', async () => {
      const grant = await login(server.app);
      const { secret, recoveryCodes } = await enrol(server.app, grant.access_token, clock);
      clock.advance(WINDOW_MS + 1);
      expect(expectProblem(await createKey(server.app, grant.access_token), 'step_up_required')).toMatchObject({
        methods: ['password', 'totp', 'recovery_code'],
      });
      const byTotp = await stepUp(server.app, grant.access_token, { code: totpCode(secret, clock.now()) });
      expect(byTotp.json()).toMatchObject({ method: 'totp' });
      expect((await createKey(server.app, grant.access_token)).statusCode).toBe(201);
      clock.advance(WINDOW_MS + STEP_MS);
      const byRecovery = await stepUp(server.app, grant.access_token, { code: recoveryCodes[0] });
      expect(byRecovery.json()).toMatchObject({ method: 'recovery_code' });
      expect((await createKey(server.app, grant.access_token, 'second')).statusCode).toBe(201);
      // Each code is single use here as everywhere.
      expectProblem(await stepUp(server.app, grant.access_token, { code: recoveryCodes[0] }), 'invalid_credentials');
    });

    it('hardening 10: a step-up freshens its own session only', async () => {
      const laptop = await login(server.app);
      const phone = await login(server.app);
      clock.advance(WINDOW_MS + 1);
      expect((await stepUp(server.app, laptop.access_token, { password: ADMIN_PASSWORD })).statusCode).toBe(200);
      expect((await createKey(server.app, laptop.access_token)).statusCode).toBe(201);
      expectProblem(await createKey(server.app, phone.access_token), 'step_up_required');
    });

    it('hardening 10: a cookie session steps up: a new session id, which carries the fresh proof; the old cookie is dead', async () => {
      const loggedIn = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { origin: ORIGIN },
        payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD, mode: 'cookie' },
      });
      expect(loggedIn.statusCode, loggedIn.body).toBe(200);
      const cookie = sessionCookie(loggedIn);
      const headers = { cookie, origin: ORIGIN };
      clock.advance(WINDOW_MS + 1);
      const payload = { name: 'from the browser', scopes: ['users.manage'] };
      expectProblem(await server.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers, payload }), 'step_up_required');
      const done = await server.app.inject({ method: 'POST', url: '/api/v1/auth/step-up', headers, payload: { password: ADMIN_PASSWORD } });
      expect(done.statusCode, done.body).toBe(200);
      const next = sessionCookie(done);
      expect(next).not.toBe(cookie);
      expect(done.headers['x-rampart-csrf']).toEqual(expect.any(String));
      const created = await server.app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: { cookie: next, origin: ORIGIN },
        payload,
      });
      expect(created.statusCode, created.body).toBe(201);
      expectProblem(await server.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } }), 'session_revoked');
    });

    it('hardening 10: an API key cannot create keys nor step up: 403 forbidden, not step_up_required, and nothing is created', async () => {
      const grant = await login(server.app);
      const key = (await createKey(server.app, grant.access_token)).json<{ key: string }>().key;
      clock.advance(WINDOW_MS + 1);
      expectProblem(await createKey(server.app, key, 'minted by a key'), 'forbidden');
      expectProblem(await stepUp(server.app, key, { password: ADMIN_PASSWORD }), 'forbidden');
      expect(await keyCount(grant.user.id)).toBe(1);
    });

    it('hardening 10: a password change is its own step-up: the session is fresh afterwards', async () => {
      const grant = await login(server.app);
      clock.advance(WINDOW_MS + 1);
      const changed = await server.app.inject({
        method: 'POST',
        url: '/api/v1/me/password',
        headers: auth(grant.access_token),
        payload: { current_password: ADMIN_PASSWORD, new_password: NEW_PASSWORD },
      });
      expect(changed.statusCode, changed.body).toBe(204);
      expect((await createKey(server.app, grant.access_token)).statusCode).toBe(201);
    });

    it('hardening 10: a password change with revoke_api_keys revokes every live key, says which, and they stop working', async () => {
      const grant = await login(server.app);
      const ids: string[] = [];
      const keys: string[] = [];
      for (const name of ['one', 'two', 'three']) {
        const created = (await createKey(server.app, grant.access_token, name)).json<{ id: string; key: string }>();
        ids.push(created.id);
        keys.push(created.key);
      }
      expect(
        (await server.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${ids[2]}`, headers: auth(grant.access_token) })).statusCode,
      ).toBe(204);

      const kept = await server.app.inject({
        method: 'POST',
        url: '/api/v1/me/password',
        headers: auth(grant.access_token),
        payload: { current_password: ADMIN_PASSWORD, new_password: NEW_PASSWORD, revoke_api_keys: false },
      });
      expect(kept.statusCode, kept.body).toBe(204);
      expect((await server.app.inject({ method: 'GET', url: '/api/v1/users', headers: auth(keys[0] ?? '') })).statusCode).toBe(200);

      const revoked = await server.app.inject({
        method: 'POST',
        url: '/api/v1/me/password',
        headers: auth(grant.access_token),
        payload: { current_password: NEW_PASSWORD, new_password: ADMIN_PASSWORD, revoke_api_keys: true },
      });
      expect(revoked.statusCode, revoked.body).toBe(200);
      expect(revoked.json<{ revoked_api_keys: string[] }>().revoked_api_keys.sort()).toEqual([ids[0], ids[1]].sort());
      for (const key of keys) {
        expect((await server.app.inject({ method: 'GET', url: '/api/v1/users', headers: auth(key) })).statusCode).toBe(401);
      }
      const rows = await server.stored.db
        .selectFrom('api_keys')
        .select(['id', 'revoked_at'])
        .where('user_id', '=', grant.user.id)
        .execute();
      expect(rows.every((row) => row.revoked_at !== null)).toBe(true);
      const revokes = audit.events().filter((e) => e.action === 'api_key.revoke' && e.result === 'success');
      expect(revokes.map((e) => e.resource).sort()).toEqual([...ids].sort());
      expect(
        audit
          .events()
          .filter((e) => e.action === 'user.password.change')
          .at(-1),
      ).toMatchObject({
        result: 'success',
        details: { revoke_keys: true },
      });
    });
  });
}
