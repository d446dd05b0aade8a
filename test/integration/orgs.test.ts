/**
 * Organisations, members and roles through the real server on every backend (test/fixtures/spec-api-v1.md,
 * "Organisations, members, roles"): the creator becomes owner, slugs are unique, `{org}` is an id
 * or a slug, members are added by email or id, the last owner stays, custom roles are versioned
 * and audited with before and after, effective permissions name their role.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_EMAIL, ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import {
  as,
  createOrg,
  createUser,
  inviteMember,
  orgWithOwner,
  uniqueSlug,
  userWithRole,
  type OrgBody,
  type OrgUser,
} from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

for (const backend of await backends()) {
  describe(`orgs, members and roles on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let audit: MemoryAuditLog;
    let admin: Grant;
    let org: OrgBody;
    let owner: OrgUser;

    beforeEach(async () => {
      store = await backend.create();
      audit = new MemoryAuditLog();
      server = await testServer(store, { env: ADMIN_ENV, audit });
      admin = await login(server.app);
      ({ org, owner } = await orgWithOwner(server.app, admin));
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('creates an org whose creator is owner; reads it by id and by slug; lists it', async () => {
      expect(org.id).toMatch(/^org_[0-9a-f]{32}$/);
      for (const ref of [org.id, org.slug]) {
        const read = await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${ref}`);
        expect(read.statusCode, read.body).toBe(200);
        expect(read.json()).toMatchObject({ id: org.id, slug: org.slug, name: org.name });
      }
      const list = await as(server.app, owner.grant, 'GET', '/api/v1/orgs');
      expect(list.json<{ items: unknown[] }>().items).toEqual([expect.objectContaining({ id: org.id, role: 'owner' })]);
      expect(audit.events().some((e) => e.action === 'org.create' && e.org === org.id)).toBe(true);
    });

    it('refuses a taken slug (409) and the reserved system slug, and derives a slug from the name', async () => {
      expectProblem(await as(server.app, owner.grant, 'POST', '/api/v1/orgs', { name: 'Again', slug: org.slug }), 'conflict');
      expectProblem(await as(server.app, owner.grant, 'POST', '/api/v1/orgs', { name: 'Sys', slug: 'system' }), 'conflict');
      const derived = await as(server.app, owner.grant, 'POST', '/api/v1/orgs', { name: 'Acme Widgets, Inc.' });
      expect(derived.statusCode, derived.body).toBe(201);
      expect(derived.json()).toMatchObject({ slug: 'acme-widgets-inc' });
      expectProblem(await as(server.app, owner.grant, 'POST', '/api/v1/orgs', { name: 'x', slug: 'Bad Slug' }), 'validation_failed');
      expectProblem(await as(server.app, undefined, 'POST', '/api/v1/orgs', { name: 'x' }), 'unauthenticated');
    });

    it('adds members by invitation (email) and, for a platform admin, by id; changes a role, removes; each change audited', async () => {
      const bob = await createUser(server.app, admin);
      const carol = await createUser(server.app, admin);
      const invited = await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.slug}/members`, {
        email: bob.email.toUpperCase(),
        role: 'viewer',
      });
      expect(invited.statusCode, invited.body).toBe(202);
      const { invitation_id: invitationId } = invited.json<{ invitation_id: string }>();
      const joined = await as(server.app, bob.grant, 'POST', `/api/v1/me/invitations/${invitationId}/accept`);
      expect(joined.statusCode, joined.body).toBe(200);
      expect(joined.json()).toEqual({ org_id: org.id, org_slug: org.slug, role: 'viewer' });
      // By id: a platform admin only, who must also hold members.manage in the org.
      expectProblem(
        await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/members`, { user_id: carol.id, role: 'operator' }),
        'forbidden',
      );
      await inviteMember(server.app, owner.grant, org.id, { email: ADMIN_EMAIL, grant: admin }, 'admin');
      const byId = await as(server.app, admin, 'POST', `/api/v1/orgs/${org.id}/members`, { user_id: carol.id, role: 'operator' });
      expect(byId.statusCode, byId.body).toBe(201);
      expect(byId.json()).toMatchObject({ user_id: carol.id, email: carol.email, role: 'operator' });
      expectProblem(
        await as(server.app, admin, 'POST', `/api/v1/orgs/${org.id}/members`, { user_id: carol.id, role: 'viewer' }),
        'conflict',
      );
      expectProblem(
        await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/members`, {
          user_id: carol.id,
          email: carol.email,
          role: 'viewer',
        }),
        'validation_failed',
      );
      expectProblem(
        await as(server.app, admin, 'POST', `/api/v1/orgs/${org.id}/members`, { user_id: 'usr_nobody', role: 'viewer' }),
        'not_found',
      );
      expectProblem(
        await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/members`, { email: bob.email, role: 'emperor' }),
        'validation_failed',
      );
      expect(audit.events().find((e) => e.action === 'member.add')?.details).toEqual({ role: 'operator', direct: true });

      const changed = await as(server.app, owner.grant, 'PATCH', `/api/v1/orgs/${org.id}/members/${bob.id}`, { role: 'auditor' });
      expect(changed.statusCode, changed.body).toBe(200);
      expect(changed.json()).toMatchObject({ role: 'auditor' });
      const list = await as(server.app, bob.grant, 'GET', `/api/v1/orgs/${org.id}/roles`);
      expect(list.statusCode).toBe(200);

      expect((await as(server.app, owner.grant, 'DELETE', `/api/v1/orgs/${org.id}/members/${carol.id}`)).statusCode).toBe(204);
      expectProblem(await as(server.app, carol.grant, 'GET', `/api/v1/orgs/${org.id}`), 'not_found');
      const members = await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/members`);
      expect(
        members
          .json<{ items: { user_id: string; role: string }[] }>()
          .items.map((m) => [m.user_id, m.role])
          .sort(),
      ).toEqual(
        [
          [bob.id, 'auditor'],
          [owner.id, 'owner'],
          [admin.user.id, 'admin'],
        ].sort(),
      );
      const actions = audit
        .events()
        .filter((e) => e.org === org.id)
        .map((e) => e.action);
      expect(actions).toEqual(
        expect.arrayContaining(['invitation.create', 'invitation.accept', 'member.add', 'member.role_change', 'member.remove']),
      );
      expect(audit.events().find((e) => e.action === 'member.role_change')?.details).toEqual({ before: 'viewer', after: 'auditor' });
    });

    it('keeps the last owner: no demotion, no removal (409); with a second owner, either may go', async () => {
      expectProblem(
        await as(server.app, owner.grant, 'PATCH', `/api/v1/orgs/${org.id}/members/${owner.id}`, { role: 'admin' }),
        'conflict',
      );
      expectProblem(await as(server.app, owner.grant, 'DELETE', `/api/v1/orgs/${org.id}/members/${owner.id}`), 'conflict');
      const second = await userWithRole(server.app, admin, owner.grant, org, 'owner');
      // Both demote each other at once: one must stay owner.
      const [a, b] = await Promise.all([
        as(server.app, owner.grant, 'PATCH', `/api/v1/orgs/${org.id}/members/${second.id}`, { role: 'admin' }),
        as(server.app, second.grant, 'PATCH', `/api/v1/orgs/${org.id}/members/${owner.id}`, { role: 'admin' }),
      ]);
      expect([a.statusCode, b.statusCode].sort()).toEqual(expect.arrayContaining([200]));
      const members = (await server.rampart.tenancy.store.orgsOf(owner.id)).concat(await server.rampart.tenancy.store.orgsOf(second.id));
      expect(members.filter((m) => m.id === org.id && m.role === 'owner').length).toBeGreaterThanOrEqual(1);
    });

    it('effective permissions name the granting role; roles list built-in and custom roles with versions', async () => {
      const viewer = await userWithRole(server.app, admin, owner.grant, org, 'viewer');
      const perms = await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/members/${viewer.id}/permissions`);
      expect(perms.statusCode, perms.body).toBe(200);
      expect(perms.json()).toEqual({
        user_id: viewer.id,
        role: 'viewer',
        permissions: ['jobs.read', 'org.read', 'resources.read'].map((permission) => ({ permission, role: 'viewer' })),
      });
      const roles = await as(server.app, viewer.grant, 'GET', `/api/v1/orgs/${org.id}/roles`);
      expect(roles.json<{ items: { name: string; builtin: boolean; version: number }[] }>().items.map((r) => r.name)).toEqual([
        'owner',
        'admin',
        'operator',
        'viewer',
        'auditor',
      ]);
    });

    it('versions custom roles: each PUT a new version, audited with before and after; history newest first', async () => {
      const first = await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/roles/deployer`, {
        permissions: ['jobs.run', 'jobs.read'],
      });
      expect(first.statusCode, first.body).toBe(201);
      expect(first.json()).toEqual({ name: 'deployer', builtin: false, permissions: ['jobs.read', 'jobs.run'], version: 1 });
      const second = await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/roles/deployer`, { permissions: ['jobs.read'] });
      expect(second.statusCode).toBe(200);
      expect(second.json()).toMatchObject({ version: 2, permissions: ['jobs.read'] });
      const history = await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/roles/deployer/history`);
      expect(history.statusCode, history.body).toBe(200);
      expect(history.json<{ items: { version: number; permissions: string[]; actor_id: string }[] }>().items).toEqual([
        expect.objectContaining({ version: 2, permissions: ['jobs.read'], actor_id: owner.id }),
        expect.objectContaining({ version: 1, permissions: ['jobs.read', 'jobs.run'], actor_id: owner.id }),
      ]);
      const puts = audit.events().filter((e) => e.action === 'role.put');
      expect(puts.map((e) => e.details)).toEqual([
        { version: 1, before: null, after: ['jobs.read', 'jobs.run'] },
        { version: 2, before: ['jobs.read', 'jobs.run'], after: ['jobs.read'] },
      ]);
      // A custom role can be given to a member, and grants exactly its permissions.
      const deployer = await userWithRole(server.app, admin, owner.grant, org, 'deployer');
      const check = (permission: string) => as(server.app, deployer.grant, 'POST', '/api/v1/authz/check', { org: org.slug, permission });
      expect((await check('jobs.read')).json()).toMatchObject({ allowed: true });
      expect((await check('jobs.run')).json()).toMatchObject({ allowed: false });

      // Built-in roles are immutable; unknown permissions are refused at registration.
      expectProblem(
        await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/roles/admin`, { permissions: ['org.read'] }),
        'conflict',
      );
      expectProblem(
        await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/roles/x`, { permissions: ['vm.export'] }),
        'validation_failed',
      );
      expectProblem(await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/roles/never/history`), 'not_found');
      // History: roles.manage or audit.read.
      const auditor = await userWithRole(server.app, admin, owner.grant, org, 'auditor');
      const viewer = await userWithRole(server.app, admin, owner.grant, org, 'viewer');
      expect((await as(server.app, auditor.grant, 'GET', `/api/v1/orgs/${org.id}/roles/deployer/history`)).statusCode).toBe(200);
      expectProblem(await as(server.app, viewer.grant, 'GET', `/api/v1/orgs/${org.id}/roles/deployer/history`), 'forbidden');
    });

    it('POST /api/v1/authz/check answers for the caller and, with members.read, for another subject', async () => {
      const viewer = await userWithRole(server.app, admin, owner.grant, org, 'viewer');
      const mine = await as(server.app, viewer.grant, 'POST', '/api/v1/authz/check', { org: org.id, permission: 'resources.read' });
      expect(mine.statusCode, mine.body).toBe(200);
      expect(mine.json()).toEqual({ allowed: true, reason: expect.any(String) });
      expect(
        (await as(server.app, viewer.grant, 'POST', '/api/v1/authz/check', { org: org.id, permission: 'secrets.manage' })).json(),
      ).toMatchObject({
        allowed: false,
      });
      expect(
        (await as(server.app, viewer.grant, 'POST', '/api/v1/authz/check', { org: org.id, permission: 'vm.unknown' })).json(),
      ).toMatchObject({
        allowed: false,
        reason: 'unknown permission vm.unknown',
      });
      const about = await as(server.app, owner.grant, 'POST', '/api/v1/authz/check', {
        subject: viewer.id,
        org: org.slug,
        permission: 'jobs.cancel',
      });
      expect(about.json()).toMatchObject({ allowed: false });
      expectProblem(
        await as(server.app, viewer.grant, 'POST', '/api/v1/authz/check', { subject: owner.id, org: org.id, permission: 'org.delete' }),
        'forbidden',
      );
      const other = await createOrg(server.app, admin, uniqueSlug('other'));
      expectProblem(
        await as(server.app, viewer.grant, 'POST', '/api/v1/authz/check', { org: other.id, permission: 'org.read' }),
        'not_found',
      );
      const foreign = await as(server.app, viewer.grant, 'POST', '/api/v1/authz/check', {
        org: org.id,
        permission: 'resources.read',
        resource: { type: 'vm', id: 'vm-1', org: other.slug },
      });
      expect(foreign.json()).toMatchObject({ allowed: false });
    });

    it('audits every denied request: a member’s in the org, a stranger’s probes in system (hardening 3)', async () => {
      const viewer = await userWithRole(server.app, admin, owner.grant, org, 'viewer');
      const outsider = await createUser(server.app, admin);
      expectProblem(await as(server.app, viewer.grant, 'GET', `/api/v1/orgs/${org.id}/members`), 'forbidden');
      expectProblem(await as(server.app, outsider.grant, 'GET', `/api/v1/orgs/${org.slug}`), 'not_found');
      expectProblem(await as(server.app, outsider.grant, 'GET', '/api/v1/orgs/no-such-org'), 'not_found');
      const denies = () => audit.events().filter((e) => e.action === 'authz.deny');
      // The stranger's second probe falls in the window its first opened: counted, written later.
      expect(denies()).toEqual([
        expect.objectContaining({ org: org.id, actor: { type: 'user', id: viewer.id }, resource: 'members.read', result: 'failure' }),
        expect.objectContaining({
          org: 'system',
          actor: { type: 'user', id: outsider.id },
          resource: 'org.read',
          details: { scope: 'org', hidden: true, org_id: org.id },
        }),
      ]);
      expect(audit.events().filter((e) => e.org === org.id && e.actor.id === outsider.id)).toEqual([]);
      await server.rampart.tenancy.authorizer.flushDenials(true);
      expect(denies()[2]).toMatchObject({
        org: 'system',
        actor: { type: 'user', id: outsider.id },
        details: { count: 1, org_id: null, permissions: ['org.read'] },
      });
    });

    it('deletes an org (owner only, org.delete): its members lose it; the deletion is audited', async () => {
      const adminMember = await userWithRole(server.app, admin, owner.grant, org, 'admin');
      expectProblem(await as(server.app, adminMember.grant, 'DELETE', `/api/v1/orgs/${org.id}`), 'forbidden');
      expect((await as(server.app, owner.grant, 'DELETE', `/api/v1/orgs/${org.slug}`)).statusCode).toBe(204);
      expectProblem(await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}`), 'not_found');
      expect((await as(server.app, adminMember.grant, 'GET', '/api/v1/orgs')).json()).toEqual({ items: [], next_cursor: null });
      expect(audit.events().find((e) => e.action === 'org.delete')).toMatchObject({ org: org.id, resource: org.id, result: 'success' });
    });
  });
}
