/**
 * Privilege escalation inside an org. The exploits: an admin grants `owner` (to itself or a
 * friend) to gain `org.delete`; an operator, who has no `members.manage`, adds a member; an admin
 * demotes or removes an owner; a member with `roles.manage` but without `secrets.manage` writes a
 * custom role holding `secrets.manage` and takes it. Each is refused with 403 `forbidden` and
 * leaves memberships and roles as they were.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, createUser, orgWithOwner, userWithRole, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

for (const backend of await backends()) {
  describe(`privilege escalation on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let admin: Grant;
    let org: OrgBody;
    let owner: OrgUser;
    let orgAdmin: OrgUser;
    let operator: OrgUser;

    const state = async () => {
      const db = server.stored.db;
      return {
        members: await db.selectFrom('memberships').select(['user_id', 'role']).where('org_id', '=', org.id).orderBy('user_id').execute(),
        roles: await db.selectFrom('org_roles').selectAll().where('org_id', '=', org.id).orderBy('name').execute(),
      };
    };

    beforeAll(async () => {
      store = await backend.create();
      server = await testServer(store, { env: ADMIN_ENV });
      admin = await login(server.app);
      ({ org, owner } = await orgWithOwner(server.app, admin));
      orgAdmin = await userWithRole(server.app, admin, owner.grant, org, 'admin');
      operator = await userWithRole(server.app, admin, owner.grant, org, 'operator');
    });

    afterAll(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('an admin cannot grant owner — not to itself, not to a newcomer', async () => {
      const before = await state();
      const friend = await createUser(server.app, admin);
      expectProblem(
        await as(server.app, orgAdmin.grant, 'PATCH', `/api/v1/orgs/${org.id}/members/${orgAdmin.id}`, { role: 'owner' }),
        'forbidden',
      );
      expectProblem(
        await as(server.app, orgAdmin.grant, 'POST', `/api/v1/orgs/${org.id}/members`, { email: friend.email, role: 'owner' }),
        'forbidden',
      );
      expect(await state()).toEqual(before);
      // What an admin may do, it does: invite to admin or below.
      const ok = await as(server.app, orgAdmin.grant, 'POST', `/api/v1/orgs/${org.id}/members`, { email: friend.email, role: 'admin' });
      expect(ok.statusCode, ok.body).toBe(202);
    });

    it('an admin cannot demote or remove an owner', async () => {
      const before = await state();
      expectProblem(
        await as(server.app, orgAdmin.grant, 'PATCH', `/api/v1/orgs/${org.id}/members/${owner.id}`, { role: 'viewer' }),
        'forbidden',
      );
      expectProblem(await as(server.app, orgAdmin.grant, 'DELETE', `/api/v1/orgs/${org.id}/members/${owner.id}`), 'forbidden');
      expect(await state()).toEqual(before);
    });

    it('an operator cannot add, change or remove members', async () => {
      const before = await state();
      const friend = await createUser(server.app, admin);
      expectProblem(
        await as(server.app, operator.grant, 'POST', `/api/v1/orgs/${org.id}/members`, { user_id: friend.id, role: 'viewer' }),
        'forbidden',
      );
      expectProblem(
        await as(server.app, operator.grant, 'PATCH', `/api/v1/orgs/${org.id}/members/${operator.id}`, { role: 'admin' }),
        'forbidden',
      );
      expectProblem(await as(server.app, operator.grant, 'DELETE', `/api/v1/orgs/${org.id}/members/${orgAdmin.id}`), 'forbidden');
      expect(await state()).toEqual(before);
    });

    it('a custom role cannot hold a permission its author lacks, nor be used to climb', async () => {
      // The owner makes a role manager: roles.manage and members.manage, but no secrets.
      const made = await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/roles/role-manager`, {
        permissions: ['org.read', 'roles.manage', 'members.manage', 'members.read'],
      });
      expect(made.statusCode, made.body).toBe(201);
      const manager = await userWithRole(server.app, admin, owner.grant, org, 'role-manager');
      const before = await state();
      expectProblem(
        await as(server.app, manager.grant, 'PUT', `/api/v1/orgs/${org.id}/roles/climber`, { permissions: ['org.read', 'secrets.manage'] }),
        'forbidden',
      );
      // Nor rewrite its own role to add one.
      expectProblem(
        await as(server.app, manager.grant, 'PUT', `/api/v1/orgs/${org.id}/roles/role-manager`, {
          permissions: ['org.read', 'roles.manage', 'members.manage', 'members.read', 'org.delete'],
        }),
        'forbidden',
      );
      // Nor take admin through members.manage.
      expectProblem(
        await as(server.app, manager.grant, 'PATCH', `/api/v1/orgs/${org.id}/members/${manager.id}`, { role: 'admin' }),
        'forbidden',
      );
      expect(await state()).toEqual(before);
    });
  });
}
