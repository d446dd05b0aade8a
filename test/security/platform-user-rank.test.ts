/**
 * At or below, on the platform (issue 13, item 6). The exploit: an admin of the built-in `system`
 * org — who holds `users.manage` — disables, signs out, renames or erases an owner of `system`
 * through `/api/v1/users`, which the membership routes would forbid. Each attempt is 403
 * `forbidden`, recorded as a failure, and leaves the owner as they were: active, signed in, named,
 * present. The owner may still act on the admin.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { SYSTEM_ORG_SLUG } from '../../src/kernel/domain/system-org.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, me, type Grant } from '../helpers/identity.js';
import { as, createUser, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

for (const backend of await backends()) {
  describe(`platform user management at or below on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let audit: MemoryAuditLog;
    let owner: Grant;
    let platformAdmin: OrgUser;

    /** Gives `userId` a role in `system`, as the membership routes would store it. */
    async function systemRole(userId: string, role: string): Promise<void> {
      const db = server.stored.db;
      const org = await db.selectFrom('orgs').select('id').where('slug', '=', SYSTEM_ORG_SLUG).executeTakeFirstOrThrow();
      await db.insertInto('memberships').values({ org_id: org.id, user_id: userId, role, created_at: Date.now() }).execute();
    }

    const userRow = (id: string) => server.stored.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();

    beforeEach(async () => {
      store = await backend.create();
      audit = new MemoryAuditLog();
      server = await testServer(store, { env: ADMIN_ENV, audit });
      owner = await login(server.app);
      platformAdmin = await createUser(server.app, owner);
      await systemRole(platformAdmin.id, 'admin');
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('hardening 6: a platform admin cannot disable, rename, sign out or erase a platform owner; nothing changes', async () => {
      const target = owner.user.id;
      const before = await userRow(target);
      const attempts = [
        () => as(server.app, platformAdmin.grant, 'PATCH', `/api/v1/users/${target}`, { disabled: true }),
        () => as(server.app, platformAdmin.grant, 'PATCH', `/api/v1/users/${target}`, { name: 'Demoted' }),
        () => as(server.app, platformAdmin.grant, 'POST', `/api/v1/users/${target}/sessions/revoke`),
        () => as(server.app, platformAdmin.grant, 'DELETE', `/api/v1/users/${target}`),
      ];
      for (const attempt of attempts) expectProblem(await attempt(), 'forbidden');
      expect(await userRow(target)).toEqual(before);
      expect((await me(server.app, owner.access_token)).statusCode).toBe(200);
      const refused = audit.events().filter((e) => e.resource === target && e.result === 'failure');
      expect(refused.map((e) => [e.action, e.actor.id, e.reason])).toEqual([
        ['user.update', platformAdmin.id, 'target_above_actor'],
        ['user.update', platformAdmin.id, 'target_above_actor'],
        ['user.sessions.revoke', platformAdmin.id, 'target_above_actor'],
        ['user.delete', platformAdmin.id, 'target_above_actor'],
      ]);
      expect(audit.events().filter((e) => e.resource === target && e.result === 'success')).toEqual([]);
    });

    it('hardening 6: the rule is at or below — the admin manages peers and plain users, the owner manages the admin', async () => {
      const peer = await createUser(server.app, owner);
      await systemRole(peer.id, 'admin');
      const plain = await createUser(server.app, owner);
      expect((await as(server.app, platformAdmin.grant, 'POST', `/api/v1/users/${peer.id}/sessions/revoke`)).statusCode).toBe(204);
      expect((await as(server.app, platformAdmin.grant, 'PATCH', `/api/v1/users/${plain.id}`, { disabled: true })).statusCode).toBe(200);
      expect((await as(server.app, owner, 'PATCH', `/api/v1/users/${platformAdmin.id}`, { name: 'Renamed' })).statusCode).toBe(200);
      expect((await as(server.app, owner, 'DELETE', `/api/v1/users/${platformAdmin.id}`)).statusCode).toBe(204);
      expect(await userRow(platformAdmin.id)).toBeUndefined();
    });

    it('hardening 1: a user name with a control character is 400 validation_failed and nothing changes', async () => {
      const before = await userRow(platformAdmin.id);
      expectProblem(await as(server.app, owner, 'PATCH', `/api/v1/users/${platformAdmin.id}`, { name: 'a\u0000b' }), 'validation_failed');
      expectProblem(
        await as(server.app, owner, 'POST', '/api/v1/users', {
          email: 'ctl@example.test',
          password: 'a long enough password 77',
          name: 'x\u001b[2J',
        }),
        'validation_failed',
      );
      expect(await userRow(platformAdmin.id)).toEqual(before);
      expect(
        await server.stored.db.selectFrom('users').select('id').where('email', '=', 'ctl@example.test').executeTakeFirst(),
      ).toBeUndefined();
    });
  });
}
