/**
 * Tenancy hardening (issue 13, items 1, 2, 3, 5 and 12), on SQLite and PostgreSQL. The exploits:
 * - (1) member, role and org changes committed before their audit entry: a log that then failed
 *   left an unaudited change; and a NUL in an org name answered 500 on PostgreSQL;
 * - (2) refused escalations (granting a role above one's own, touching a member above oneself,
 *   writing a role beyond one's own) left no trace;
 * - (3) anyone probing a foreign org wrote one `authz.deny` per request into that org's log;
 * - (5) an admin rewrote a custom role above theirs down to nothing, then removed its holder;
 * - (12) `POST /authz/check` about another subject told existing user ids from unknown ones.
 * Each test checks the refusal and reads the state back.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { DomainError } from '../../src/kernel/domain/errors.js';
import type { AuditEvent } from '../../src/kernel/ports/audit-log.js';
import { DENY_WINDOW_MS } from '../../src/tenancy/services/tenant-authorizer.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, createUser, orgWithOwner, userWithRole, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

/** The reference log, made to refuse the actions named in `failOn` (a log that cannot record). */
class FailingAuditLog extends MemoryAuditLog {
  failOn = new Set<string>();

  override record(event: AuditEvent): Promise<void> {
    if (this.failOn.has(event.action)) return Promise.reject(new DomainError('audit_unavailable', 'The audit log cannot record'));
    return super.record(event);
  }
}

for (const backend of await backends()) {
  describe(`tenancy hardening on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let audit: FailingAuditLog;
    let clock: FakeClock;
    let admin: Grant;
    let org: OrgBody;
    let owner: OrgUser;

    beforeEach(async () => {
      store = await backend.create();
      audit = new FailingAuditLog();
      clock = new FakeClock(Date.now());
      server = await testServer(store, { env: ADMIN_ENV, audit, clock });
      admin = await login(server.app);
      ({ org, owner } = await orgWithOwner(server.app, admin));
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    const entries = (action: string) => audit.events().filter((e) => e.action === action);
    const roleOf = async (userId: string) => server.rampart.tenancy.store.roleOf(org.id, userId);
    const customRole = async (name: string) =>
      server.stored.db.selectFrom('org_roles').selectAll().where('org_id', '=', org.id).where('name', '=', name).executeTakeFirst();

    it('hardening 1: when the log cannot record, no tenancy change happens (503 audit_unavailable)', async () => {
      const member = await userWithRole(server.app, admin, owner.grant, org, 'viewer');
      const stranger = await createUser(server.app, admin);
      audit.failOn = new Set(['org.create', 'member.role_change', 'member.remove', 'role.put', 'invitation.create', 'member.leave']);
      const slug = `never-${org.slug}`;
      expectProblem(await as(server.app, owner.grant, 'POST', '/api/v1/orgs', { name: 'Never', slug }), 'audit_unavailable');
      expect(await server.rampart.tenancy.store.resolve(slug)).toBeUndefined();
      expectProblem(
        await as(server.app, owner.grant, 'PATCH', `/api/v1/orgs/${org.id}/members/${member.id}`, { role: 'admin' }),
        'audit_unavailable',
      );
      expectProblem(await as(server.app, owner.grant, 'DELETE', `/api/v1/orgs/${org.id}/members/${member.id}`), 'audit_unavailable');
      expect(await roleOf(member.id)).toBe('viewer');
      expectProblem(
        await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/roles/deployer`, { permissions: ['jobs.run'] }),
        'audit_unavailable',
      );
      expect(await customRole('deployer')).toBeUndefined();
      expectProblem(
        await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/members`, { email: stranger.email, role: 'viewer' }),
        'audit_unavailable',
      );
      expect(await server.stored.db.selectFrom('org_invitations').selectAll().execute()).toEqual([]);
      expectProblem(await as(server.app, member.grant, 'DELETE', `/api/v1/me/orgs/${org.id}`), 'audit_unavailable');
      expect(await roleOf(member.id)).toBe('viewer');
    });

    it('hardening 1: a change refused by the store after its entry is followed by a failure entry', async () => {
      // The last owner's demotion: the entry is written, the store's atomic check refuses.
      expectProblem(
        await as(server.app, owner.grant, 'PATCH', `/api/v1/orgs/${org.id}/members/${owner.id}`, { role: 'admin' }),
        'conflict',
      );
      expect(await roleOf(owner.id)).toBe('owner');
      expect(entries('member.role_change').map((e) => [e.result, e.reason])).toEqual([
        ['success', undefined],
        ['failure', 'not_applied:conflict'],
      ]);
    });

    it('hardening 1: an org name with a NUL or another control character is 400 validation_failed, nothing stored', async () => {
      for (const name of ['bad\u0000name', 'bell\u0007', 'rtl\u202eevil']) {
        const slug = `ctl-${Math.random().toString(16).slice(2, 10)}`;
        expectProblem(await as(server.app, owner.grant, 'POST', '/api/v1/orgs', { name, slug }), 'validation_failed');
        expect(await server.rampart.tenancy.store.resolve(slug)).toBeUndefined();
      }
      const roleWithNul = await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/roles/a%00b`, { permissions: [] });
      expectProblem(roleWithNul, 'validation_failed');
      expect(await server.stored.db.selectFrom('org_roles').selectAll().where('org_id', '=', org.id).execute()).toEqual([]);
    });

    it('hardening 2: refused escalations are audited as failures, still 403, and change nothing', async () => {
      const orgAdmin = await userWithRole(server.app, admin, owner.grant, org, 'admin');
      const friend = await userWithRole(server.app, admin, owner.grant, org, 'viewer');
      expectProblem(
        await as(server.app, orgAdmin.grant, 'PATCH', `/api/v1/orgs/${org.id}/members/${friend.id}`, { role: 'owner' }),
        'forbidden',
      );
      expectProblem(
        await as(server.app, orgAdmin.grant, 'PATCH', `/api/v1/orgs/${org.id}/members/${owner.id}`, { role: 'viewer' }),
        'forbidden',
      );
      expectProblem(await as(server.app, orgAdmin.grant, 'DELETE', `/api/v1/orgs/${org.id}/members/${owner.id}`), 'forbidden');
      const operator = await userWithRole(server.app, admin, owner.grant, org, 'operator');
      await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/roles/helper`, { permissions: ['jobs.read'] });
      // An operator lacks roles.manage; an admin writing a role with org.delete is beyond theirs.
      expectProblem(
        await as(server.app, orgAdmin.grant, 'PUT', `/api/v1/orgs/${org.id}/roles/deleter`, { permissions: ['org.delete'] }),
        'forbidden',
      );
      expect(await roleOf(friend.id)).toBe('viewer');
      expect(await roleOf(owner.id)).toBe('owner');
      expect(await customRole('deleter')).toBeUndefined();
      expect(await roleOf(operator.id)).toBe('operator');
      const failures = audit
        .events()
        .filter((e) => e.result === 'failure' && e.actor.id === orgAdmin.id && e.action !== 'authz.deny')
        .map((e) => [e.action, e.resource, e.reason]);
      expect(failures).toEqual([
        ['member.role_change', friend.id, 'role_above_caller'],
        ['member.role_change', owner.id, 'member_above_caller'],
        ['member.remove', owner.id, 'member_above_caller'],
        ['role.put', 'deleter', 'permissions_beyond_caller'],
      ]);
      for (const entry of audit.events().filter((e) => e.result === 'failure' && e.actor.id === orgAdmin.id)) {
        expect(entry.org).toBe(org.id);
      }
    });

    it('hardening 5: an admin cannot rewrite a custom role above theirs down to nothing, nor then remove its holder', async () => {
      const orgAdmin = await userWithRole(server.app, admin, owner.grant, org, 'admin');
      const created = await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/roles/closer`, {
        permissions: ['org.delete', 'org.read'],
      });
      expect(created.statusCode, created.body).toBe(201);
      const holder = await userWithRole(server.app, admin, owner.grant, org, 'closer');
      expectProblem(await as(server.app, orgAdmin.grant, 'PUT', `/api/v1/orgs/${org.id}/roles/closer`, { permissions: [] }), 'forbidden');
      expect(await customRole('closer')).toMatchObject({ version: 1, permissions: JSON.stringify(['org.delete', 'org.read']) });
      expectProblem(await as(server.app, orgAdmin.grant, 'DELETE', `/api/v1/orgs/${org.id}/members/${holder.id}`), 'forbidden');
      expect(await roleOf(holder.id)).toBe('closer');
      expect(entries('role.put').at(-1)).toMatchObject({ result: 'failure', reason: 'role_above_caller', resource: 'closer' });
      // Its author, who holds everything it grants, still rewrites it.
      const rewritten = await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/roles/closer`, { permissions: ['org.read'] });
      expect(rewritten.statusCode, rewritten.body).toBe(200);
      expect(rewritten.json()).toMatchObject({ version: 2, permissions: ['org.read'] });
    });

    it('hardening 3: a stranger’s probes go to system, not the org; repeats within the window are one entry with a count', async () => {
      const stranger = await createUser(server.app, admin);
      const before = audit.events().length;
      for (let i = 0; i < 50; i += 1) {
        expectProblem(await as(server.app, stranger.grant, 'GET', `/api/v1/orgs/${org.id}/members`), 'not_found');
      }
      const denies = () =>
        audit
          .events()
          .slice(before)
          .filter((e) => e.action === 'authz.deny');
      expect(denies()).toEqual([
        expect.objectContaining({
          org: 'system',
          actor: { type: 'user', id: stranger.id },
          details: expect.objectContaining({ org_id: org.id }),
        }),
      ]);
      expect(audit.events().filter((e) => e.org === org.id && e.actor.id === stranger.id)).toEqual([]);
      // The window closes: the timer's work writes one summary.
      clock.advance(DENY_WINDOW_MS);
      await server.rampart.tenancy.authorizer.flushDenials();
      expect(denies()).toHaveLength(2);
      expect(denies()[1]).toMatchObject({
        org: 'system',
        result: 'failure',
        details: expect.objectContaining({ count: 49, permissions: ['members.read'], org_ids: [org.id] }),
      });
      // A new window: its first denial is recorded at once again.
      expectProblem(await as(server.app, stranger.grant, 'GET', `/api/v1/orgs/${org.id}`), 'not_found');
      expect(denies()).toHaveLength(3);
    });

    it('hardening 3: a member’s denials stay in their org, aggregated the same way; close() writes out the open window', async () => {
      const viewer = await userWithRole(server.app, admin, owner.grant, org, 'viewer');
      for (let i = 0; i < 5; i += 1) {
        expectProblem(await as(server.app, viewer.grant, 'GET', `/api/v1/orgs/${org.id}/members`), 'forbidden');
      }
      const inOrg = () => audit.events().filter((e) => e.action === 'authz.deny' && e.org === org.id);
      expect(inOrg()).toHaveLength(1);
      expect(inOrg()[0]).toMatchObject({ actor: { id: viewer.id }, resource: 'members.read', details: { scope: 'org', hidden: false } });
      await server.close();
      expect(inOrg()).toHaveLength(2);
      expect(inOrg()[1]).toMatchObject({ details: expect.objectContaining({ count: 4 }) });
    });

    it('hardening 12: POST /authz/check answers alike for an unknown user id, a disabled account and a non-member', async () => {
      const outsider = await createUser(server.app, admin);
      const disabled = await userWithRole(server.app, admin, owner.grant, org, 'viewer');
      expect((await as(server.app, admin, 'PATCH', `/api/v1/users/${disabled.id}`, { disabled: true })).statusCode).toBe(200);
      const ask = async (subject: string) => {
        const answer = await as(server.app, owner.grant, 'POST', '/api/v1/authz/check', { subject, org: org.id, permission: 'org.read' });
        expect(answer.statusCode, answer.body).toBe(200);
        return answer.json<unknown>();
      };
      const unknown = await ask('usr_00000000000000000000000000000000');
      expect(await ask(outsider.id)).toEqual(unknown);
      expect(await ask(disabled.id)).toEqual(unknown);
      expect(unknown).toEqual({ allowed: false, reason: 'the subject is not an active member of the org' });
    });
  });
}
