/**
 * The last-admin guard, through the real server on every backend: the built-in `system` org never
 * loses its last active owner through `users.manage` (disable or erase). A refused change answers
 * 409 `conflict` and changes nothing: the owner stays active, keeps its sessions, its name and its
 * row. Disabled owners do not count; two racing disables of the last two owners end with exactly
 * one of them disabled.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SYSTEM_ORG_SLUG } from '../../src/kernel/domain/system-org.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, me, type Grant } from '../helpers/identity.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const PASSWORD = 'a long and unusual passphrase 7';
const ACTOR = { ip: '127.0.0.1', userAgent: undefined, requestId: 'req-last-owner' };

for (const backend of await backends()) {
  describe(`last active owner of the system org on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let admin: Grant;

    const call = (grant: Grant, method: 'GET' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
      server.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${grant.access_token}` },
        ...(payload === undefined ? {} : { payload }),
      });
    const userRow = (id: string) => server.stored.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();

    /** A second user, made an owner of `system` the way the membership routes would. */
    async function secondOwner(email: string): Promise<Grant> {
      const created = await server.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: { authorization: `Bearer ${admin.access_token}` },
        payload: { email, password: PASSWORD },
      });
      expect(created.statusCode, created.body).toBe(201);
      const id = created.json<{ id: string }>().id;
      const db = server.stored.db;
      const org = await db.selectFrom('orgs').select('id').where('slug', '=', SYSTEM_ORG_SLUG).executeTakeFirstOrThrow();
      await db.insertInto('memberships').values({ org_id: org.id, user_id: id, role: 'owner', created_at: Date.now() }).execute();
      return login(server.app, email, PASSWORD);
    }

    beforeEach(async () => {
      store = await backend.create();
      server = await testServer(store, { env: ADMIN_ENV });
      admin = await login(server.app);
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('refuses to disable the last active owner (409 conflict) and changes nothing, not even the name', async () => {
      const before = await userRow(admin.user.id);
      const problem = expectProblem(
        await call(admin, 'PATCH', `/api/v1/users/${admin.user.id}`, { disabled: true, name: 'Renamed' }),
        'conflict',
      );
      expect(problem.status).toBe(409);
      expect(problem.detail).toMatch(/last active owner of the system org/);
      expect(await userRow(admin.user.id)).toEqual(before);
      expect(before).toMatchObject({ status: 'active' });
      expect((await me(server.app, admin.access_token)).statusCode).toBe(200);
    });

    it('refuses to erase the last active owner (409 conflict): the user, its sessions and its token survive', async () => {
      expectProblem(await call(admin, 'DELETE', `/api/v1/users/${admin.user.id}`), 'conflict');
      expect(await userRow(admin.user.id)).toMatchObject({ status: 'active' });
      expect(await server.rampart.identity.sessions.listLive(admin.user.id, Date.now())).toHaveLength(1);
      expect((await me(server.app, admin.access_token)).statusCode).toBe(200);
    });

    it('allows it while another active owner remains; then that one is the last, and a disabled owner does not count', async () => {
      const bob = await secondOwner('bob@example.test');
      expect((await call(bob, 'PATCH', `/api/v1/users/${admin.user.id}`, { disabled: true })).statusCode).toBe(200);
      expect(await userRow(admin.user.id)).toMatchObject({ status: 'disabled' });
      // The admin is disabled: Bob is now the only active owner, and can neither disable nor erase himself.
      expectProblem(await call(bob, 'PATCH', `/api/v1/users/${bob.user.id}`, { disabled: true }), 'conflict');
      expectProblem(await call(bob, 'DELETE', `/api/v1/users/${bob.user.id}`), 'conflict');
      expect(await userRow(bob.user.id)).toMatchObject({ status: 'active' });
      // Enabling the admin again makes Bob erasable.
      expect((await call(bob, 'PATCH', `/api/v1/users/${admin.user.id}`, { disabled: false })).statusCode).toBe(200);
      expect((await call(bob, 'DELETE', `/api/v1/users/${bob.user.id}`)).statusCode).toBe(204);
      expect(await userRow(bob.user.id)).toBeUndefined();
      expect(await userRow(admin.user.id)).toMatchObject({ status: 'active' });
    });

    it('two racing disables of the last two owners: exactly one passes, one active owner remains', async () => {
      const bob = await secondOwner('carol@example.test');
      const results = await Promise.allSettled([
        server.rampart.identity.userAdmin.update(admin.user.id, { disabled: true }, { ...ACTOR, userId: bob.user.id }),
        server.rampart.identity.userAdmin.update(bob.user.id, { disabled: true }, { ...ACTOR, userId: admin.user.id }),
      ]);
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((result) => result.status === 'rejected');
      expect(refused?.reason).toMatchObject({ code: 'conflict' });
      const statuses = [(await userRow(admin.user.id))?.status, (await userRow(bob.user.id))?.status].sort();
      expect(statuses).toEqual(['active', 'disabled']);
    });

    it('a user who is not an owner is disabled and erased as before', async () => {
      const created = await server.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: { authorization: `Bearer ${admin.access_token}` },
        payload: { email: 'dave@example.test', password: PASSWORD },
      });
      const id = created.json<{ id: string }>().id;
      expect((await call(admin, 'PATCH', `/api/v1/users/${id}`, { disabled: true })).statusCode).toBe(200);
      expect((await call(admin, 'DELETE', `/api/v1/users/${id}`)).statusCode).toBe(204);
      expect(await userRow(id)).toBeUndefined();
    });
  });
}
