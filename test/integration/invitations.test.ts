/**
 * Invitations and leaving (test/fixtures/spec-api-v1.md, "Added in v1.1"; issue 13, item 4), on
 * every backend. The exploit they close: anyone with `members.manage` could add any account to
 * their org by email — learning whether the email had an account, its id and name — and, with the
 * admin MFA requirement on, make a stranger an org admin and so lock them out of every route, with
 * no way to leave. Now an email gets an invitation (the same 202 either way), nothing changes for
 * the invitee until they accept, an invitation is theirs alone, it expires, it can be revoked, and
 * a member can always leave (but the last owner).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import type { InvitationNotice } from '../../src/tenancy/index.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, createUser, invite, inviteMember, orgWithOwner, userWithRole, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const TTL_SECONDS = 3600;

for (const backend of await backends()) {
  describe(`invitations on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let audit: MemoryAuditLog;
    let clock: FakeClock;
    let admin: Grant;
    let org: OrgBody;
    let owner: OrgUser;
    let notices: InvitationNotice[];

    beforeEach(async () => {
      store = await backend.create();
      audit = new MemoryAuditLog();
      clock = new FakeClock(Date.now());
      notices = [];
      server = await testServer(store, {
        env: { ...ADMIN_ENV, RAMPART_INVITATION_TTL: String(TTL_SECONDS) },
        audit,
        clock,
        invitationNotifier: {
          invited: (notice) => {
            notices.push(notice);
            return Promise.resolve();
          },
        },
      });
      admin = await login(server.app);
      ({ org, owner } = await orgWithOwner(server.app, admin));
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    const memberships = async (user: OrgUser) =>
      (await as(server.app, user.grant, 'GET', '/api/v1/me')).json<{ memberships: { org_id: string; role: string }[] }>().memberships;
    const pendingRows = () => server.stored.db.selectFrom('org_invitations').selectAll().execute();

    it('hardening 4: inviting answers the same 202, with no user id or name, whether or not the email has an account', async () => {
      const bob = await createUser(server.app, admin);
      const existing = await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/members`, { email: bob.email, role: 'viewer' });
      const unknown = await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/members`, {
        email: 'nobody-here@example.test',
        role: 'viewer',
      });
      for (const answer of [existing, unknown]) {
        expect(answer.statusCode, answer.body).toBe(202);
        expect(Object.keys(answer.json<object>()).sort()).toEqual(['expires_at', 'invitation_id']);
        expect(answer.body).not.toContain('usr_');
        expect(answer.json<{ expires_at: string }>().expires_at).toBe(new Date(clock.now() + TTL_SECONDS * 1000).toISOString());
      }
      expect(existing.body).not.toContain(bob.id);
      // Nothing changed for the invitee: no membership, the org still hidden.
      expect(await memberships(bob)).toEqual([]);
      expectProblem(await as(server.app, bob.grant, 'GET', `/api/v1/orgs/${org.id}`), 'not_found');
      expect((await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/members`)).json<{ items: unknown[] }>().items).toHaveLength(
        1,
      );
      // The seam for mail is told of both, alike.
      expect(notices.map((n) => [n.email, n.role, n.org.slug])).toEqual([
        [bob.email, 'viewer', org.slug],
        ['nobody-here@example.test', 'viewer', org.slug],
      ]);
      expect(audit.events().filter((e) => e.action === 'invitation.create')).toHaveLength(2);
    });

    it('hardening 4: the invitee sees the invitation and accepts it: a membership, effective at once, audited', async () => {
      const bob = await createUser(server.app, admin);
      const id = await invite(server.app, owner.grant, org.slug, bob.email.toUpperCase(), 'operator');
      const mine = await as(server.app, bob.grant, 'GET', '/api/v1/me/invitations');
      expect(mine.statusCode, mine.body).toBe(200);
      expect(mine.json()).toEqual({
        items: [
          {
            id,
            org: { id: org.id, slug: org.slug, name: org.name },
            role: 'operator',
            invited_by: owner.id,
            expires_at: new Date(clock.now() + TTL_SECONDS * 1000).toISOString(),
          },
        ],
        next_cursor: null,
      });
      // Read the org as the invitee once (a cached "not a member"), then accept.
      expectProblem(await as(server.app, bob.grant, 'GET', `/api/v1/orgs/${org.id}`), 'not_found');
      const accepted = await as(server.app, bob.grant, 'POST', `/api/v1/me/invitations/${id}/accept`);
      expect(accepted.statusCode, accepted.body).toBe(200);
      expect(accepted.json()).toEqual({ org_id: org.id, org_slug: org.slug, role: 'operator' });
      expect((await as(server.app, bob.grant, 'GET', `/api/v1/orgs/${org.id}`)).statusCode).toBe(200);
      expect(await memberships(bob)).toEqual([expect.objectContaining({ org_id: org.id, role: 'operator' })]);
      expect(await pendingRows()).toEqual([]);
      expect((await as(server.app, bob.grant, 'GET', '/api/v1/me/invitations')).json()).toEqual({ items: [], next_cursor: null });
      // Spent: a second accept finds nothing.
      expectProblem(await as(server.app, bob.grant, 'POST', `/api/v1/me/invitations/${id}/accept`), 'not_found');
      const entry = audit.events().find((e) => e.action === 'invitation.accept');
      expect(entry).toMatchObject({ org: org.id, actor: { id: bob.id }, resource: id, subject: bob.id, result: 'success' });
    });

    it('hardening 4: an invitation is its invitee’s alone: anyone else gets 404 and it stays', async () => {
      const bob = await createUser(server.app, admin);
      const mallory = await createUser(server.app, admin);
      const id = await invite(server.app, owner.grant, org.id, bob.email, 'viewer');
      expect((await as(server.app, mallory.grant, 'GET', '/api/v1/me/invitations')).json()).toEqual({ items: [], next_cursor: null });
      expectProblem(await as(server.app, mallory.grant, 'POST', `/api/v1/me/invitations/${id}/accept`), 'not_found');
      expectProblem(await as(server.app, mallory.grant, 'POST', `/api/v1/me/invitations/${id}/decline`), 'not_found');
      expect(await memberships(mallory)).toEqual([]);
      expect((await pendingRows()).map((row) => row.id)).toEqual([id]);
      expectProblem(await as(server.app, owner.grant, 'POST', `/api/v1/me/invitations/inv_00/accept`), 'not_found');
    });

    it('hardening 4: declining spends the invitation and changes nothing else', async () => {
      const bob = await createUser(server.app, admin);
      const id = await invite(server.app, owner.grant, org.id, bob.email, 'viewer');
      const declined = await as(server.app, bob.grant, 'POST', `/api/v1/me/invitations/${id}/decline`);
      expect(declined.statusCode, declined.body).toBe(204);
      expect(await memberships(bob)).toEqual([]);
      expect(await pendingRows()).toEqual([]);
      expectProblem(await as(server.app, bob.grant, 'POST', `/api/v1/me/invitations/${id}/accept`), 'not_found');
      expect(audit.events().find((e) => e.action === 'invitation.decline')).toMatchObject({ org: org.id, subject: bob.id });
    });

    it('hardening 4: an expired invitation answers 410 invitation_expired and grants nothing', async () => {
      const bob = await createUser(server.app, admin);
      const id = await invite(server.app, owner.grant, org.id, bob.email, 'viewer');
      clock.advance(TTL_SECONDS * 1000);
      const bobAgain = { ...bob, grant: await login(server.app, bob.email, 'a member passphrase nobody guesses 9') };
      expectProblem(await as(server.app, bobAgain.grant, 'POST', `/api/v1/me/invitations/${id}/accept`), 'invitation_expired');
      expect((await as(server.app, bobAgain.grant, 'GET', '/api/v1/me/invitations')).json()).toEqual({ items: [], next_cursor: null });
      expect(await memberships(bobAgain)).toEqual([]);
      const ownerAgain = await login(server.app, owner.email, 'a member passphrase nobody guesses 9');
      expect((await as(server.app, ownerAgain, 'GET', `/api/v1/orgs/${org.id}/invitations`)).json()).toEqual({
        items: [],
        next_cursor: null,
      });
    });

    it('hardening 4: the org lists its pending invitations and revokes one, which can then not be accepted', async () => {
      const bob = await createUser(server.app, admin);
      const id = await invite(server.app, owner.grant, org.id, bob.email, 'auditor');
      const listed = await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/invitations`);
      expect(listed.statusCode, listed.body).toBe(200);
      expect(listed.json()).toEqual({
        items: [expect.objectContaining({ id, email: bob.email, role: 'auditor', invited_by: owner.id })],
        next_cursor: null,
      });
      const viewer = await userWithRole(server.app, admin, owner.grant, org, 'viewer');
      expectProblem(await as(server.app, viewer.grant, 'GET', `/api/v1/orgs/${org.id}/invitations`), 'forbidden');
      expectProblem(await as(server.app, viewer.grant, 'DELETE', `/api/v1/orgs/${org.id}/invitations/${id}`), 'forbidden');
      expect((await as(server.app, owner.grant, 'DELETE', `/api/v1/orgs/${org.id}/invitations/${id}`)).statusCode).toBe(204);
      expectProblem(await as(server.app, owner.grant, 'DELETE', `/api/v1/orgs/${org.id}/invitations/${id}`), 'not_found');
      expectProblem(await as(server.app, bob.grant, 'POST', `/api/v1/me/invitations/${id}/accept`), 'not_found');
      expect(await memberships(bob)).toEqual([]);
      expect(audit.events().find((e) => e.action === 'invitation.revoke')).toMatchObject({ org: org.id, resource: id });
    });

    it('hardening 4: another org cannot revoke this org’s invitation', async () => {
      const bob = await createUser(server.app, admin);
      const id = await invite(server.app, owner.grant, org.id, bob.email, 'viewer');
      const other = await orgWithOwner(server.app, admin);
      expectProblem(await as(server.app, other.owner.grant, 'DELETE', `/api/v1/orgs/${other.org.id}/invitations/${id}`), 'not_found');
      expect((await pendingRows()).map((row) => row.id)).toEqual([id]);
    });

    it('hardening 4: no invitation to a role above the inviter’s (403, audited as a failure, nothing stored)', async () => {
      const orgAdmin = await userWithRole(server.app, admin, owner.grant, org, 'admin');
      const answer = await as(server.app, orgAdmin.grant, 'POST', `/api/v1/orgs/${org.id}/members`, {
        email: 'victim@example.test',
        role: 'owner',
      });
      expectProblem(answer, 'forbidden');
      expect(await pendingRows()).toEqual([]);
      expect(audit.events().filter((e) => e.action === 'invitation.create')).toEqual([
        expect.objectContaining({ result: 'success', actor: { type: 'user', id: owner.id } }),
        expect.objectContaining({ result: 'failure', reason: 'role_above_caller', actor: { type: 'user', id: orgAdmin.id } }),
      ]);
    });

    it('hardening 4: accepting when the inviter can no longer grant the role is refused (409), nothing joins', async () => {
      const orgAdmin = await userWithRole(server.app, admin, owner.grant, org, 'admin');
      const bob = await createUser(server.app, admin);
      const id = await invite(server.app, orgAdmin.grant, org.id, bob.email, 'admin');
      expect(
        (await as(server.app, owner.grant, 'PATCH', `/api/v1/orgs/${org.id}/members/${orgAdmin.id}`, { role: 'viewer' })).statusCode,
      ).toBe(200);
      expectProblem(await as(server.app, bob.grant, 'POST', `/api/v1/me/invitations/${id}/accept`), 'conflict');
      expect(await memberships(bob)).toEqual([]);
    });

    it('hardening 4: only a platform admin adds an account by id; anyone else is refused (403, audited)', async () => {
      const bob = await createUser(server.app, admin);
      expectProblem(
        await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/members`, { user_id: bob.id, role: 'viewer' }),
        'forbidden',
      );
      expect(await memberships(bob)).toEqual([]);
      expect(audit.events().find((e) => e.action === 'member.add')).toMatchObject({
        result: 'failure',
        reason: 'direct_add_needs_platform_admin',
      });
    });

    it('hardening 4: MFA enforcement counts accepted memberships only; leaving stays open to a held member', async () => {
      // A second instance on the same store with the requirement on (the suite's default is off).
      const enforced = await testServer(store, {
        env: { ...ADMIN_ENV, RAMPART_MFA_REQUIRED_FOR_ADMINS: 'true', RAMPART_INVITATION_TTL: String(TTL_SECONDS) },
        audit,
        clock,
      });
      try {
        const victim = await createUser(server.app, admin);
        const id = await invite(server.app, owner.grant, org.id, victim.email, 'admin');
        const grant = await login(enforced.app, victim.email, 'a member passphrase nobody guesses 9');
        // Invited as an org admin, yet not held: no membership until they accept.
        expect((await as(enforced.app, grant, 'GET', '/api/v1/orgs')).statusCode).toBe(200);
        expect((await as(enforced.app, grant, 'GET', '/api/v1/me/invitations')).statusCode).toBe(200);
        const accepted = await as(enforced.app, grant, 'POST', `/api/v1/me/invitations/${id}/accept`);
        expect(accepted.statusCode, accepted.body).toBe(200);
        expectProblem(await as(enforced.app, grant, 'GET', '/api/v1/orgs'), 'mfa_enrollment_required');
        // The way out stays open.
        expect((await as(enforced.app, grant, 'DELETE', `/api/v1/me/orgs/${org.id}`)).statusCode).toBe(204);
        expect((await as(enforced.app, grant, 'GET', '/api/v1/orgs')).statusCode).toBe(200);
      } finally {
        await enforced.close();
      }
    });

    it('hardening 4: a member leaves (204, audited); a non-member gets 404; the last owner gets 409', async () => {
      const bob = await createUser(server.app, admin);
      await inviteMember(server.app, owner.grant, org.id, bob, 'admin');
      expect((await as(server.app, bob.grant, 'GET', `/api/v1/orgs/${org.id}`)).statusCode).toBe(200);
      expect((await as(server.app, bob.grant, 'DELETE', `/api/v1/me/orgs/${org.slug}`)).statusCode).toBe(204);
      expectProblem(await as(server.app, bob.grant, 'GET', `/api/v1/orgs/${org.id}`), 'not_found');
      expect(await memberships(bob)).toEqual([]);
      expectProblem(await as(server.app, bob.grant, 'DELETE', `/api/v1/me/orgs/${org.id}`), 'not_found');
      expectProblem(await as(server.app, bob.grant, 'DELETE', '/api/v1/me/orgs/no-such-org'), 'not_found');
      expectProblem(await as(server.app, owner.grant, 'DELETE', `/api/v1/me/orgs/${org.id}`), 'conflict');
      expect(await memberships(owner)).toEqual([expect.objectContaining({ org_id: org.id, role: 'owner' })]);
      expect(audit.events().filter((e) => e.action === 'member.leave')).toEqual([
        expect.objectContaining({ org: org.id, actor: { type: 'user', id: bob.id }, subject: bob.id, details: { role: 'admin' } }),
      ]);
      // With a second owner, the first may go.
      const second = await userWithRole(server.app, admin, owner.grant, org, 'owner');
      expect((await as(server.app, owner.grant, 'DELETE', `/api/v1/me/orgs/${org.id}`)).statusCode).toBe(204);
      expect(await memberships(second)).toEqual([expect.objectContaining({ org_id: org.id, role: 'owner' })]);
    });

    it('hardening 4: of concurrent accepts of one invitation exactly one joins', async () => {
      const bob = await createUser(server.app, admin);
      const id = await invite(server.app, owner.grant, org.id, bob.email, 'viewer');
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => as(server.app, bob.grant, 'POST', `/api/v1/me/invitations/${id}/accept`)),
      );
      expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 404, 404, 404]);
      expect(await memberships(bob)).toEqual([expect.objectContaining({ org_id: org.id, role: 'viewer' })]);
      expect(await pendingRows()).toEqual([]);
    });

    it('hardening 4: a new invitation to the same email replaces the pending one', async () => {
      const first = await invite(server.app, owner.grant, org.id, 'someone@example.test', 'viewer');
      const second = await invite(server.app, owner.grant, org.id, 'Someone@Example.test', 'auditor');
      expect((await pendingRows()).map((row) => [row.id, row.email, row.role])).toEqual([[second, 'someone@example.test', 'auditor']]);
      expect(first).not.toBe(second);
    });
  });
}
