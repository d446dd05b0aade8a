/**
 * Platform user management, the caller's password and sessions, and self-registration, through
 * the real server on every backend. Refusals assert the state afterwards: a non-admin calling a
 * `users.manage` route (privilege escalation) changes nothing; a disabled or erased user's
 * still-unexpired access token is refused at once — by a fresh instance started after the erasure
 * too; a set-password token is single use, also under a concurrent double spend.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_ENV, ADMIN_PASSWORD, login, loginRequest, me, type Grant } from '../helpers/identity.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const PASSWORD = 'a long and unusual passphrase 7';
const NEW_PASSWORD = 'another long unusual passphrase 8';

interface UserBody {
  readonly id: string;
  readonly email: string;
  readonly name: string | null;
  readonly status: string;
  readonly set_password_token?: string;
}

for (const backend of await backends()) {
  describe(`platform users on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let audit: MemoryAuditLog;
    let clock: FakeClock;
    let admin: Grant;

    const bearer = (grant: Grant): Record<string, string> => ({ authorization: `Bearer ${grant.access_token}` });
    const call = (grant: Grant | undefined, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
      server.app.inject({ method, url, headers: grant === undefined ? {} : bearer(grant), ...(payload === undefined ? {} : { payload }) });
    async function createUser(email: string, password: string | null = PASSWORD): Promise<UserBody> {
      const response = await call(admin, 'POST', '/api/v1/users', password === null ? { email } : { email, password });
      expect(response.statusCode, response.body).toBe(201);
      return response.json<UserBody>();
    }
    const userCount = () => server.rampart.identity.users.count();

    beforeEach(async () => {
      store = await backend.create();
      audit = new MemoryAuditLog();
      clock = new FakeClock(Date.now());
      server = await testServer(store, { env: ADMIN_ENV, audit, clock });
      admin = await login(server.app);
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('creates a user with a password (201), who can log in; a taken email is 409', async () => {
      const user = await createUser('Bob@Example.test');
      expect(user).toMatchObject({ email: 'bob@example.test', status: 'active', name: null });
      expect(user.set_password_token).toBeUndefined();
      expect((await login(server.app, 'bob@example.test', PASSWORD)).user.id).toBe(user.id);
      expectProblem(await call(admin, 'POST', '/api/v1/users', { email: 'bob@example.test', password: PASSWORD }), 'conflict');
      expect(await userCount()).toBe(2);
      const created = audit.events().find((e) => e.action === 'user.create');
      expect(created).toMatchObject({ actor: { type: 'user', id: admin.user.id }, resource: user.id, result: 'success' });
      expect(created?.requestId).toEqual(expect.any(String));
      expect(JSON.stringify(audit.events())).not.toContain(PASSWORD);
    });

    it('refuses bad input with 400 naming the field, and creates nothing', async () => {
      expect(
        expectProblem(await call(admin, 'POST', '/api/v1/users', { email: 'c@example.test', password: 'short' }), 'validation_failed')
          .detail,
      ).toMatch(/password/);
      expect(
        expectProblem(
          await call(admin, 'POST', '/api/v1/users', { email: 'c@example.test', password: 'password1234' }),
          'validation_failed',
        ).detail,
      ).toMatch(/password/);
      expect(expectProblem(await call(admin, 'POST', '/api/v1/users', { email: 'not-an-email' }), 'validation_failed').detail).toMatch(
        /email/,
      );
      expectProblem(await call(admin, 'POST', '/api/v1/users', { email: 'c@example.test', admin: true }), 'validation_failed');
      expect(expectProblem(await call(admin, 'GET', '/api/v1/users?cursor=bm9wZQ'), 'validation_failed').detail).toMatch(/cursor/);
      expect(await userCount()).toBe(1);
    });

    it('escalation: a non-admin user gets 403 on every users.manage route, anonymous 401; nothing changes', async () => {
      const bob = await createUser('bob@example.test');
      const grant = await login(server.app, 'bob@example.test', PASSWORD);
      const attempts: [string, string, object | undefined][] = [
        ['POST', '/api/v1/users', { email: 'mallory@example.test', password: PASSWORD }],
        ['GET', '/api/v1/users', undefined],
        ['GET', `/api/v1/users/${admin.user.id}`, undefined],
        ['PATCH', `/api/v1/users/${admin.user.id}`, { disabled: true }],
        ['PATCH', `/api/v1/users/${bob.id}`, { name: 'root' }],
        ['DELETE', `/api/v1/users/${admin.user.id}`, undefined],
        ['POST', `/api/v1/users/${admin.user.id}/sessions/revoke`, undefined],
      ];
      for (const [method, url, payload] of attempts) {
        const m = method as 'GET' | 'POST' | 'PATCH' | 'DELETE';
        expectProblem(await call(grant, m, url, payload), 'forbidden');
        expectProblem(await call(undefined, m, url, payload), 'unauthenticated');
      }
      expect(await userCount()).toBe(2);
      expect((await me(server.app, admin.access_token)).statusCode).toBe(200);
      expect((await server.rampart.identity.users.findById(bob.id))?.name).toBeNull();
    });

    it('creates a user without a password: a one-time token, single use, sets the password', async () => {
      const user = await createUser('carol@example.test', null);
      const token = user.set_password_token ?? '';
      expect(token).toMatch(/^pt_/);
      expectProblem(await loginRequest(server.app, 'carol@example.test', PASSWORD), 'invalid_credentials');
      const weak = await server.app.inject({ method: 'POST', url: '/api/v1/auth/password/set', payload: { token, password: 'short' } });
      expect(expectProblem(weak, 'validation_failed').detail).toMatch(/password/);
      const set = await server.app.inject({ method: 'POST', url: '/api/v1/auth/password/set', payload: { token, password: PASSWORD } });
      expect(set.statusCode, set.body).toBe(204);
      await login(server.app, 'carol@example.test', PASSWORD);
      const again = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password/set',
        payload: { token, password: NEW_PASSWORD },
      });
      expectProblem(again, 'token_invalid');
      expectProblem(await loginRequest(server.app, 'carol@example.test', NEW_PASSWORD), 'invalid_credentials');
      expect(JSON.stringify(audit.events())).not.toContain(token);
    });

    it('a set-password token used twice at once: exactly one succeeds', async () => {
      const token = (await createUser('dan@example.test', null)).set_password_token ?? '';
      const answers = await Promise.all(
        [PASSWORD, NEW_PASSWORD].map((password) =>
          server.app.inject({ method: 'POST', url: '/api/v1/auth/password/set', payload: { token, password } }),
        ),
      );
      expect(answers.map((a) => a.statusCode).sort()).toEqual([204, 401]);
    });

    it('a set-password token expires after 24 hours', async () => {
      const token = (await createUser('erin@example.test', null)).set_password_token ?? '';
      clock.advance(24 * 60 * 60 * 1000);
      const set = await server.app.inject({ method: 'POST', url: '/api/v1/auth/password/set', payload: { token, password: PASSWORD } });
      expectProblem(set, 'token_invalid');
    });

    it('lists users by an opaque cursor in a stable order, and filters by email', async () => {
      for (const name of ['u1', 'u2', 'u3', 'u4']) await createUser(`${name}@example.test`);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/api/v1/users?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`;
        const page = (await call(admin, 'GET', url)).json<{ items: UserBody[]; next_cursor: string | null }>();
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((u) => u.id));
        cursor = page.next_cursor;
      } while (cursor !== null);
      expect(seen).toHaveLength(5);
      expect(new Set(seen).size).toBe(5);
      expect([...seen].sort()).toEqual(seen);
      const one = (await call(admin, 'GET', '/api/v1/users?email=U3@example.test')).json<{ items: UserBody[] }>();
      expect(one.items.map((u) => u.email)).toEqual(['u3@example.test']);
    });

    it('reads, renames, disables (the token is refused at once) and enables a user', async () => {
      const bob = await createUser('bob@example.test');
      const grant = await login(server.app, 'bob@example.test', PASSWORD);
      expect((await call(admin, 'GET', `/api/v1/users/${bob.id}`)).json()).toMatchObject({ id: bob.id });
      expectProblem(await call(admin, 'GET', '/api/v1/users/usr_unknown'), 'not_found');
      expect((await call(admin, 'PATCH', `/api/v1/users/${bob.id}`, { name: 'Bob' })).json()).toMatchObject({ name: 'Bob' });
      expectProblem(await call(admin, 'PATCH', `/api/v1/users/${bob.id}`, { disabled: 'yes' }), 'validation_failed');
      const disabled = await call(admin, 'PATCH', `/api/v1/users/${bob.id}`, { disabled: true });
      expect(disabled.json()).toMatchObject({ status: 'disabled' });
      expectProblem(await me(server.app, grant.access_token), 'session_revoked');
      expectProblem(await loginRequest(server.app, 'bob@example.test', PASSWORD), 'invalid_credentials');
      expect((await call(admin, 'PATCH', `/api/v1/users/${bob.id}`, { disabled: false })).json()).toMatchObject({ status: 'active' });
      await login(server.app, 'bob@example.test', PASSWORD);
    });

    it('a disabled platform admin holds no permission', async () => {
      const second = await createUser('ops@example.test');
      // Make them a system admin directly: role management arrives with tenancy.
      const system = (await server.rampart.identity.users.memberships(admin.user.id))[0];
      await server.stored.db
        .insertInto('memberships')
        .values({ org_id: system?.orgId ?? '', user_id: second.id, role: 'admin', created_at: clock.now() })
        .execute();
      const grant = await login(server.app, 'ops@example.test', PASSWORD);
      expect((await call(grant, 'GET', '/api/v1/users')).statusCode).toBe(200);
      await server.rampart.identity.users.setStatus(second.id, 'disabled', clock.now());
      const decision = await server.rampart.authorizer.decide({
        principal: { type: 'user', id: second.id, via: 'bearer' },
        access: { permission: 'users.manage', scope: 'platform' },
        org: undefined,
      });
      expect(decision.allow).toBe(false);
    });

    it('revokes every session of a user: 204, their token refused at once', async () => {
      const bob = await createUser('bob@example.test');
      const grant = await login(server.app, 'bob@example.test', PASSWORD);
      expect((await call(admin, 'POST', `/api/v1/users/${bob.id}/sessions/revoke`)).statusCode).toBe(204);
      expectProblem(await me(server.app, grant.access_token), 'session_revoked');
      expectProblem(await call(admin, 'POST', '/api/v1/users/usr_unknown/sessions/revoke'), 'not_found');
    });

    it('erases a user: their unexpired token is refused, also by a fresh instance started afterwards', async () => {
      const bob = await createUser('bob@example.test');
      const grant = await login(server.app, 'bob@example.test', PASSWORD);
      expect((await call(admin, 'DELETE', `/api/v1/users/${bob.id}`)).statusCode).toBe(204);
      expectProblem(await me(server.app, grant.access_token), 'session_revoked');
      expectProblem(await call(admin, 'GET', `/api/v1/users/${bob.id}`), 'not_found');
      expectProblem(await call(admin, 'DELETE', `/api/v1/users/${bob.id}`), 'not_found');
      expect(await server.rampart.identity.sessions.find(grant.session_id)).toBeUndefined();
      await server.close();
      server = await testServer(store, { env: ADMIN_ENV, audit, clock });
      expectProblem(await me(server.app, grant.access_token), 'session_revoked');
      expectProblem(await loginRequest(server.app, 'bob@example.test', PASSWORD), 'invalid_credentials');
    });

    it('changes the caller password: other sessions revoked, the current kept; wrong current is 401', async () => {
      await createUser('bob@example.test');
      const other = await login(server.app, 'bob@example.test', PASSWORD);
      const current = await login(server.app, 'bob@example.test', PASSWORD);
      const change = (payload: object) => call(current, 'POST', '/api/v1/me/password', payload);
      expectProblem(await change({ current_password: 'not the right one!!', new_password: NEW_PASSWORD }), 'invalid_credentials');
      expect(expectProblem(await change({ current_password: PASSWORD, new_password: 'short' }), 'validation_failed').detail).toMatch(
        /new_password/,
      );
      expect((await me(server.app, other.access_token)).statusCode).toBe(200);
      expect((await change({ current_password: PASSWORD, new_password: NEW_PASSWORD })).statusCode).toBe(204);
      expectProblem(await me(server.app, other.access_token), 'session_revoked');
      expect((await me(server.app, current.access_token)).statusCode).toBe(200);
      expectProblem(await loginRequest(server.app, 'bob@example.test', PASSWORD), 'invalid_credentials');
      await login(server.app, 'bob@example.test', NEW_PASSWORD);
    });

    it("lists the caller's sessions and revokes one; another user's session id is 404 and stays live", async () => {
      await createUser('bob@example.test');
      const bob = await login(server.app, 'bob@example.test', PASSWORD);
      const second = await login(server.app);
      const listed = (await call(admin, 'GET', '/api/v1/me/sessions')).json<{ items: { id: string; current: boolean }[] }>().items;
      expect(listed.map((s) => s.id).sort()).toEqual([admin.session_id, second.session_id].sort());
      expect(listed.find((s) => s.current)?.id).toBe(admin.session_id);
      expect(Object.keys(listed[0] ?? {}).sort()).toEqual([
        'created_at',
        'current',
        'device_name',
        'id',
        'ip',
        'last_seen_at',
        'user_agent',
      ]);
      expectProblem(await call(admin, 'DELETE', `/api/v1/me/sessions/${bob.session_id}`), 'not_found');
      expect((await me(server.app, bob.access_token)).statusCode).toBe(200);
      expect((await call(admin, 'DELETE', `/api/v1/me/sessions/${second.session_id}`)).statusCode).toBe(204);
      expectProblem(await me(server.app, second.access_token), 'session_revoked');
      expectProblem(await call(undefined, 'GET', '/api/v1/me/sessions'), 'unauthenticated');
    });

    it('refuses self-registration unless enabled (403), and nothing is created', async () => {
      const response = await call(undefined, 'POST', '/api/v1/auth/register', { email: 'eve@example.test', password: PASSWORD });
      expectProblem(response, 'forbidden');
      expect(await userCount()).toBe(1);
    });
  });

  describe(`self-registration on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;

    beforeEach(async () => {
      store = await backend.create();
      server = await testServer(store, { env: { ...ADMIN_ENV, RAMPART_SELF_REGISTRATION: 'true' }, audit: new MemoryAuditLog() });
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('registers (201, policy applied); a taken email is answered 201 as well', async () => {
      const register = (payload: object) => server.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload });
      expect(expectProblem(await register({ email: 'eve@example.test', password: 'short' }), 'validation_failed').detail).toMatch(
        /password/,
      );
      const created = await register({ email: 'eve@example.test', password: PASSWORD, name: 'Eve' });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json()).toMatchObject({ email: 'eve@example.test', name: 'Eve', status: 'active' });
      // Issue 13 (12): a taken email is answered as a new one (test/security/registration-enumeration.test.ts).
      expect((await register({ email: 'EVE@example.test', password: PASSWORD })).statusCode).toBe(201);
      await login(server.app, 'eve@example.test', PASSWORD);
      const grant = await login(server.app, 'eve@example.test', PASSWORD);
      expectProblem(
        await server.app.inject({ method: 'GET', url: '/api/v1/users', headers: { authorization: `Bearer ${grant.access_token}` } }),
        'forbidden',
      );
      expect(ADMIN_PASSWORD).not.toBe(PASSWORD);
    });
  });
}
