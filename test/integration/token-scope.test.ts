/**
 * Hardening 13: every access token carries `scope` (test/fixtures/spec-api-v1.md, "Added in v1.1",
 * "Refinements"): a user's token the user's platform permissions, a refresh with `org` that org and
 * the user's permissions there, a service client's token the client's granted scopes. A refresh
 * for an org the caller is not a member of is 404, and the refresh token is not spent. The tests
 * decode the tokens the server hands out.
 */
import { decodeJwt } from 'jose';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORM_PERMISSIONS } from '../../src/tenancy/domain/permissions.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, me, type Grant } from '../helpers/identity.js';
import { addMember, as, bearer, createOrg, createUser, MEMBER_PASSWORD, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

function claimsOf(token: string): Record<string, unknown> {
  return decodeJwt(token) as Record<string, unknown>;
}

/** A grant-shaped holder of a bare access token, for the `bearer` helper. */
function accessGrant(accessToken: string): Grant {
  return { access_token: accessToken, token_type: 'Bearer', expires_in: 0, refresh_token: '', session_id: '', user: { id: '', email: '' } };
}

function scopeOf(token: string): string[] {
  const scope = claimsOf(token)['scope'];
  expect(typeof scope).toBe('string');
  return (scope as string).split(' ').filter((s) => s !== '');
}

for (const backend of await backends()) {
  describe(`access-token scope on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let audit: MemoryAuditLog;
    let admin: Grant;
    let org: OrgBody;
    let viewer: OrgUser;
    let outsider: OrgUser;

    const refresh = (refreshToken: string, extra: Record<string, string> = {}) =>
      server.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: refreshToken, ...extra } });

    beforeAll(async () => {
      store = await backend.create();
      audit = new MemoryAuditLog();
      server = await testServer(store, { env: { ...ADMIN_ENV }, audit });
      admin = await login(server.app);
      // Created by the platform admin, who owns it and may add accounts by id.
      org = await createOrg(server.app, admin);
      viewer = await createUser(server.app, admin);
      await addMember(server.app, admin, org.id, viewer.id, 'viewer');
      outsider = await createUser(server.app, admin);
    });

    afterAll(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it("hardening 13: a login's access token carries scope: the platform admin's platform permissions", async () => {
      expect(scopeOf(admin.access_token).sort()).toEqual([...PLATFORM_PERMISSIONS].sort());
      expect(claimsOf(admin.access_token)['org']).toBeUndefined();
    });

    it('hardening 13: a user without platform permissions gets a token whose scope claim is present and empty', async () => {
      expect(claimsOf(viewer.grant.access_token)).toHaveProperty('scope', '');
      // The claim describes the token; the user's org authority is live, not cut down by it.
      expect((await as(server.app, viewer.grant, 'GET', `/api/v1/orgs/${org.id}`)).statusCode).toBe(200);
    });

    it('hardening 13: a refresh with org (id or slug) carries org and the permissions in that org', async () => {
      const byId = await refresh(viewer.grant.refresh_token, { org: org.id });
      expect(byId.statusCode, byId.body).toBe(200);
      const grant = byId.json<Grant>();
      expect(claimsOf(grant.access_token)['org']).toBe(org.id);
      expect(scopeOf(grant.access_token).sort()).toEqual(['jobs.read', 'org.read', 'resources.read']);
      expect((await me(server.app, grant.access_token)).statusCode).toBe(200);

      const ownerLogin = await login(server.app);
      const bySlug = await refresh(ownerLogin.refresh_token, { org: org.slug });
      expect(bySlug.statusCode, bySlug.body).toBe(200);
      const ownerToken = bySlug.json<Grant>().access_token;
      expect(claimsOf(ownerToken)['org']).toBe(org.id);
      expect(scopeOf(ownerToken)).toContain('org.delete');
      expect(scopeOf(ownerToken)).toContain('members.manage');
      expect(scopeOf(ownerToken)).not.toContain('users.manage');
    });

    it('hardening 13: a refresh without org goes back to the platform scope', async () => {
      const first = (await refresh((await login(server.app)).refresh_token, { org: 'system' })).json<Grant>();
      expect(claimsOf(first.access_token)['org']).toBeDefined();
      const second = await refresh(first.refresh_token);
      expect(second.statusCode).toBe(200);
      const token = second.json<Grant>().access_token;
      expect(claimsOf(token)['org']).toBeUndefined();
      expect(scopeOf(token).sort()).toEqual([...PLATFORM_PERMISSIONS].sort());
    });

    it('hardening 13: an org the caller is not a member of is 404 and the refresh token is not spent', async () => {
      const grant = await login(server.app, outsider.email, MEMBER_PASSWORD);
      for (const target of [org.id, org.slug, 'org_does_not_exist', 'no-such-slug']) {
        expectProblem(await refresh(grant.refresh_token, { org: target }), 'not_found');
      }
      // Each refusal is an audited authorization failure, the same for an org that exists and one that does not.
      const refused = audit.events().filter((e) => e.action === 'auth.refresh' && e.actor.id === outsider.id && e.result === 'failure');
      expect(refused.map((e) => [e.reason, e.details])).toEqual(
        [org.id, org.slug, 'org_does_not_exist', 'no-such-slug'].map((target) => ['org_not_found', { org: target }]),
      );
      // Nothing was spent: the same refresh token still rotates, once, and the session lives.
      const session = await server.rampart.identity.sessions.find(grant.session_id);
      expect(session?.revokedAt).toBeNull();
      const after = await refresh(grant.refresh_token);
      expect(after.statusCode, after.body).toBe(200);
      expect((await me(server.app, after.json<Grant>().access_token)).statusCode).toBe(200);
    });

    it('hardening 13: an org the caller has left is 404 too, and its token was never spent', async () => {
      const member = await createUser(server.app, admin);
      await addMember(server.app, admin, org.id, member.id, 'operator');
      const grant = await login(server.app, member.email, MEMBER_PASSWORD);
      const removed = await as(server.app, admin, 'DELETE', `/api/v1/orgs/${org.id}/members/${member.id}`);
      expect(removed.statusCode, removed.body).toBe(204);
      expectProblem(await refresh(grant.refresh_token, { org: org.id }), 'not_found');
      expect((await refresh(grant.refresh_token)).statusCode).toBe(200);
    });

    it('hardening 13: an org never skips reuse detection: a spent token with any org still revokes the session', async () => {
      const grant = await login(server.app, outsider.email, MEMBER_PASSWORD);
      expect((await refresh(grant.refresh_token)).statusCode).toBe(200);
      expectProblem(await refresh(grant.refresh_token, { org: org.id }), 'session_revoked');
      expect((await server.rampart.identity.sessions.find(grant.session_id))?.revokeReason).toBe('refresh_reuse');
    });

    it('hardening 13: org is validated like an {org} parameter', async () => {
      const grant = await login(server.app);
      for (const bad of ['', 'a', 'has space', 'x'.repeat(65)]) {
        expectProblem(await refresh(grant.refresh_token, { org: bad }), 'validation_failed');
      }
      expect((await refresh(grant.refresh_token)).statusCode).toBe(200);
    });

    it("hardening 13: a service client's token carries the client's scopes", async () => {
      const response = await as(server.app, admin, 'POST', `/api/v1/orgs/${org.id}/clients`, {
        name: 'reporter',
        scopes: ['org.read', 'members.read'],
        auth_method: 'client_secret_basic',
      });
      expect(response.statusCode, response.body).toBe(201);
      const client = response.json<{ client_id: string; client_secret: string }>();
      const basic = `Basic ${Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`).toString('base64')}`;
      const token = await server.app.inject({
        method: 'POST',
        url: '/api/v1/oauth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
        payload: 'grant_type=client_credentials',
      });
      expect(token.statusCode, token.body).toBe(200);
      const accessToken = token.json<{ access_token: string }>().access_token;
      expect(scopeOf(accessToken).sort()).toEqual(['members.read', 'org.read']);
      expect(claimsOf(accessToken)['org']).toBe(org.id);
      const narrowed = await server.app.inject({
        method: 'POST',
        url: '/api/v1/oauth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
        payload: 'grant_type=client_credentials&scope=org.read',
      });
      expect(scopeOf(narrowed.json<{ access_token: string }>().access_token)).toEqual(['org.read']);
      expect(
        (await server.app.inject({ method: 'GET', url: `/api/v1/orgs/${org.id}`, headers: bearer(accessGrant(accessToken)) })).statusCode,
      ).toBe(200);
    });
  });
}
