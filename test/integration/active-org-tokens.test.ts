/**
 * Active-org tokens (issue 22 item 4; spec v1.1 "Refinements") on every backend: a login or a
 * refresh with `org` gives an access token carrying `org` and the member's permissions there in
 * `scope`; the token is bounded by them — another org's routes answer as for a non-member (404),
 * a permission outside its scope is 403 even when the live role holds it, a platform route is 403;
 * a login for an org the user is not in is 404 and opens no session. A membership change ends the
 * org's tokens within a second on every instance (two instances on PostgreSQL + Redis).
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RevocationEvent } from '../../src/kernel/ports/revocation-bus.js';
import { backends, postgresBackend, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, inviteMember, MEMBER_PASSWORD, orgWithOwner, userWithRole, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { postgresAvailable, REDIS_URL, redisAvailable } from '../helpers/services.js';
import { basic, clientToken, eventually } from '../helpers/revocation-feed.js';

async function orgLogin(server: TestServer, email: string, org: string): Promise<Grant> {
  const response = await server.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password: MEMBER_PASSWORD, org },
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Grant>();
}

for (const backend of await backends()) {
  describe(`active-org tokens on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let admin: Grant;
    let org: OrgBody;
    let owner: OrgUser;
    let second: { org: OrgBody; owner: OrgUser };

    beforeAll(async () => {
      store = await backend.create();
      server = await testServer(store, { env: { ...ADMIN_ENV } });
      admin = await login(server.app);
      ({ org, owner } = await orgWithOwner(server.app, admin));
      second = await orgWithOwner(server.app, admin);
    });

    afterAll(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('promises 4: a login with org gives a token carrying org and that membership’s scope', async () => {
      const grant = await orgLogin(server, owner.email, org.slug);
      const claims = decodeJwt(grant.access_token);
      expect(claims.org).toBe(org.id);
      expect(String(claims.scope).split(' ')).toEqual(expect.arrayContaining(['org.delete', 'members.manage', 'secrets.read']));
      expect((await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/members`)).statusCode).toBe(200);
    });

    it('promises 4: the token is bound to its org: another org (the user also owns) answers 404, a platform route 403', async () => {
      await inviteMember(server.app, second.owner.grant, second.org.id, owner, 'admin');
      const grant = await orgLogin(server, owner.email, org.id);
      expectProblem(await as(server.app, grant, 'GET', '/api/v1/users'), 'forbidden');
      expect((await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${second.org.id}`)).statusCode).toBe(200);
      expectProblem(await as(server.app, grant, 'GET', `/api/v1/orgs/${second.org.id}`), 'not_found');
      const secrets = await as(server.app, grant, 'PUT', `/api/v1/orgs/${second.org.id}/secrets/leak`, { value: 'x' });
      expectProblem(secrets, 'not_found');
      const stored = await server.stored.db.selectFrom('secrets').select('name').where('name', '=', 'leak').execute();
      expect(stored).toEqual([]);
    });

    it('promises 4: a permission outside the token’s scope is 403 even when the live role grants it', async () => {
      const viewer = await userWithRole(server.app, admin, owner.grant, org, 'viewer');
      const viewerGrant = await orgLogin(server, viewer.email, org.id);
      expect(String(decodeJwt(viewerGrant.access_token).scope).split(' ')).not.toContain('members.read');
      expectProblem(await as(server.app, viewerGrant, 'GET', `/api/v1/orgs/${org.id}/members`), 'forbidden');
      // The owner's own session, its token signed with a narrower scope than the owner's role.
      const narrow = await server.rampart.identity.tokens.issue({
        userId: owner.id,
        email: owner.email,
        sessionId: owner.grant.session_id,
        org: { orgId: org.id, permissions: ['org.read'] },
      });
      const token = { ...owner.grant, access_token: narrow.token.reveal() };
      expect((await as(server.app, token, 'GET', `/api/v1/orgs/${org.id}`)).statusCode).toBe(200);
      expectProblem(await as(server.app, token, 'GET', `/api/v1/orgs/${org.id}/members`), 'forbidden');
      const put = await as(server.app, token, 'PUT', `/api/v1/orgs/${org.id}/secrets/narrow`, { value: 'x' });
      expectProblem(put, 'forbidden');
      expect(await server.stored.db.selectFrom('secrets').select('name').where('name', '=', 'narrow').execute()).toEqual([]);
      expect((await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/members`)).statusCode).toBe(200);
    });

    it('promises 4: a login with an org the user is not in is 404 and opens no session', async () => {
      const outsider = await userWithRole(server.app, admin, owner.grant, org, 'viewer');
      const count = async () =>
        (await server.stored.db.selectFrom('sessions').select('id').where('user_id', '=', outsider.id).execute()).length;
      const before = await count();
      const response = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: outsider.email, password: MEMBER_PASSWORD, org: second.org.id },
      });
      expectProblem(response, 'not_found');
      expect(await count()).toBe(before);
      const cookie = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: outsider.email, password: MEMBER_PASSWORD, org: org.id, mode: 'cookie' },
        headers: { origin: ADMIN_ENV.RAMPART_PUBLIC_URL! },
      });
      expectProblem(cookie, 'validation_failed');
    });

    it('promises 4: a membership change ends the org’s tokens at once; a refresh gets the new scope', async () => {
      const member = await userWithRole(server.app, admin, owner.grant, org, 'operator');
      const grant = await orgLogin(server, member.email, org.id);
      expect((await as(server.app, grant, 'GET', `/api/v1/orgs/${org.id}`)).statusCode).toBe(200);
      const patch = await as(server.app, owner.grant, 'PATCH', `/api/v1/orgs/${org.id}/members/${member.id}`, { role: 'viewer' });
      expect(patch.statusCode).toBe(200);
      const refused = await as(server.app, grant, 'GET', `/api/v1/orgs/${org.id}`);
      expectProblem(refused, 'token_expired');
      const fresh = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/refresh',
        payload: { refresh_token: grant.refresh_token, org: org.id },
      });
      expect(fresh.statusCode, fresh.body).toBe(200);
      const renewed = fresh.json<Grant>();
      expect(String(decodeJwt(renewed.access_token).scope).split(' ')).not.toContain('jobs.run');
      expect((await as(server.app, renewed, 'GET', `/api/v1/orgs/${org.id}`)).statusCode).toBe(200);
      // A token without org is not touched by the org's changes.
      expect((await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}`)).statusCode).toBe(200);
    });

    it('promises 4: a service client asks for its own audience from its allow-list (RFC 8707); Rampart refuses such a token', async () => {
      const created = await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/clients`, {
        name: 'vms',
        scopes: ['org.read'],
        auth_method: 'client_secret_basic',
        audiences: ['https://vms.app.example'],
      });
      expect(created.statusCode, created.body).toBe(201);
      const body = created.json<{ client_id: string; client_secret: string; audiences: string[] }>();
      expect(body.audiences).toEqual(['https://vms.app.example']);
      const client = { id: body.client_id, secret: body.client_secret };
      const forApp = await clientToken(server.app, client, { resource: 'https://vms.app.example' });
      expect(decodeJwt(forApp).aud).toBe('https://vms.app.example');
      expect(decodeJwt(await clientToken(server.app, client, { audience: 'https://vms.app.example' })).aud).toBe('https://vms.app.example');
      // Rampart is not that token's audience: its own routes refuse it.
      expectProblem(
        await server.app.inject({ method: 'GET', url: `/api/v1/orgs/${org.id}`, headers: { authorization: `Bearer ${forApp}` } }),
        'token_invalid',
      );
      expect(
        (await as(server.app, { access_token: await clientToken(server.app, client) } as Grant, 'GET', `/api/v1/orgs/${org.id}`))
          .statusCode,
      ).toBe(200);
      const refused = await server.app.inject({
        method: 'POST',
        url: '/api/v1/oauth/token',
        headers: { authorization: basic(client), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ grant_type: 'client_credentials', resource: 'https://other.app.example' }).toString(),
      });
      expect(refused.statusCode).toBe(400);
      expect(refused.json()).toMatchObject({ error: 'invalid_target' });
      const bad = await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/clients`, {
        name: 'bad',
        scopes: ['org.read'],
        auth_method: 'client_secret_basic',
        audiences: ['http://app.example/#frag'],
      });
      expectProblem(bad, 'validation_failed');
      const clients = await server.stored.db.selectFrom('service_clients').select('name').where('name', '=', 'bad').execute();
      expect(clients).toEqual([]);
    });
  });
}

const twoInstances = (await postgresAvailable()) && (await redisAvailable());

describe.runIf(twoInstances || process.env.CI === 'true')('active-org tokens across two instances (PostgreSQL + Redis)', () => {
  let store: BackendInstance;
  let first: TestServer;
  let second: TestServer;

  beforeAll(async () => {
    store = await postgresBackend.create();
    const env = { ...ADMIN_ENV, RAMPART_REDIS_URL: REDIS_URL };
    first = await testServer(store, { env });
    second = await testServer(store, { env });
  });

  afterAll(async () => {
    await second?.close();
    await first?.close();
    await store?.cleanup();
  });

  it('promises 4: a role change on one instance ends the org’s tokens on the other within a second', async () => {
    const admin = await login(first.app);
    const { org, owner } = await orgWithOwner(first.app, admin);
    const member = await userWithRole(first.app, admin, owner.grant, org, 'operator');
    const grant = await orgLogin(second, member.email, org.id);
    expect((await as(second.app, grant, 'GET', `/api/v1/orgs/${org.id}`)).statusCode).toBe(200);
    let arrived = false;
    const subscription = await second.rampart.identity.bus.subscribe({
      onRevoked: (event: RevocationEvent) => {
        if (event.kind === 'authz' && event.id === org.id) arrived = true;
      },
      onResync: () => undefined,
    });
    const patch = await as(first.app, owner.grant, 'PATCH', `/api/v1/orgs/${org.id}/members/${member.id}`, { role: 'viewer' });
    expect(patch.statusCode).toBe(200);
    // The bus's bound (docs/decisions/014-revocation-bus-liveness.md): normally a pub/sub round trip.
    await eventually(() => arrived, 5000, 'the authz event on the second instance');
    expectProblem(await as(second.app, grant, 'GET', `/api/v1/orgs/${org.id}`), 'token_expired');
    await subscription.unsubscribe();
  });
});
