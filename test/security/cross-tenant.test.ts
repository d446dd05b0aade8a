/**
 * Cross-tenant access. The exploit: a caller who is legitimately in org B (even its owner, even
 * the platform admin) names org A — by id or by slug — in an org-scoped route, hoping the route
 * checks "is the caller allowed this permission somewhere" rather than "in this org", or that a
 * slug lookup skips the membership check. Every such request must be 404 `not_found` (A's
 * existence is not revealed), and A's data must be exactly as before.
 *
 * Table-driven: ROUTES lists every org-scoped route (add yours), ATTACKERS every kind of principal
 * of another org (the API-keys work adds API keys and service clients).
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, bearer, orgWithOwner, userWithRole, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

/** What an attack knows of the victim org. */
interface Victim {
  readonly org: OrgBody;
  readonly owner: OrgUser;
  readonly member: OrgUser;
}

interface AttackRoute {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: (org: string, victim: Victim) => string;
  readonly body?: (victim: Victim, attacker: Attacker) => object;
}

const ROUTES: readonly AttackRoute[] = [
  { name: 'read the org', method: 'GET', url: (o) => `/api/v1/orgs/${o}` },
  { name: 'delete the org', method: 'DELETE', url: (o) => `/api/v1/orgs/${o}` },
  { name: 'list members', method: 'GET', url: (o) => `/api/v1/orgs/${o}/members` },
  {
    name: 'add itself as owner',
    method: 'POST',
    url: (o) => `/api/v1/orgs/${o}/members`,
    body: (_v, attacker) => ({ user_id: attacker.userId, role: 'owner' }),
  },
  { name: 'demote the owner', method: 'PATCH', url: (o, v) => `/api/v1/orgs/${o}/members/${v.owner.id}`, body: () => ({ role: 'viewer' }) },
  { name: 'remove a member', method: 'DELETE', url: (o, v) => `/api/v1/orgs/${o}/members/${v.member.id}` },
  { name: "read a member's permissions", method: 'GET', url: (o, v) => `/api/v1/orgs/${o}/members/${v.owner.id}/permissions` },
  { name: 'list roles', method: 'GET', url: (o) => `/api/v1/orgs/${o}/roles` },
  {
    name: 'write a custom role',
    method: 'PUT',
    url: (o) => `/api/v1/orgs/${o}/roles/deployer`,
    body: () => ({ permissions: ['org.read'] }),
  },
  { name: "read a role's history", method: 'GET', url: (o) => `/api/v1/orgs/${o}/roles/deployer/history` },
  {
    name: 'ask the decision about the org',
    method: 'POST',
    url: () => '/api/v1/authz/check',
    body: (v) => ({ org: v.org.id, permission: 'org.read' }),
  },
  { name: 'list its service clients', method: 'GET', url: (o) => `/api/v1/orgs/${o}/clients` },
  {
    name: 'register a service client in it',
    method: 'POST',
    url: (o) => `/api/v1/orgs/${o}/clients`,
    body: () => ({ name: 'intruder', scopes: ['org.read'], auth_method: 'client_secret_basic' }),
  },
  { name: 'revoke a service client of it', method: 'DELETE', url: (o) => `/api/v1/orgs/${o}/clients/cli_00000000000000000000000000000000` },
  {
    name: 'ask the decision about its owner',
    method: 'POST',
    url: () => '/api/v1/authz/check',
    body: (v) => ({ org: v.org.slug, subject: v.owner.id, permission: 'org.delete' }),
  },
];

interface Attacker {
  readonly userId: string;
  readonly headers: Record<string, string>;
}

interface AttackerKind {
  readonly name: string;
  make(app: FastifyInstance, admin: Grant, victim: Victim): Promise<Attacker>;
}

const ATTACKERS: readonly AttackerKind[] = [
  {
    name: 'the owner of another org',
    async make(app, admin) {
      const { owner } = await orgWithOwner(app, admin);
      return { userId: owner.id, headers: bearer(owner.grant) };
    },
  },
  {
    name: "an API key of another org's owner, with every scope the routes need",
    async make(app, admin) {
      const { org, owner } = await orgWithOwner(app, admin);
      const scopes = ['org.read', 'org.delete', 'members.read', 'members.manage', 'roles.manage', 'clients.manage'];
      const created = await as(app, owner.grant, 'POST', '/api/v1/api-keys', { name: 'attacker', scopes, org: org.id });
      expect(created.statusCode, created.body).toBe(201);
      return { userId: owner.id, headers: { authorization: `Bearer ${created.json<{ key: string }>().key}` } };
    },
  },
  {
    name: 'a service client of another org, with every scope the routes need',
    async make(app, admin) {
      const { org, owner } = await orgWithOwner(app, admin);
      const scopes = ['org.read', 'org.delete', 'members.read', 'members.manage', 'roles.manage', 'clients.manage'];
      const created = await as(app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/clients`, {
        name: 'attacker',
        scopes,
        auth_method: 'client_secret_basic',
      });
      expect(created.statusCode, created.body).toBe(201);
      const client = created.json<{ client_id: string; client_secret: string }>();
      const token = await app.inject({
        method: 'POST',
        url: '/api/v1/oauth/token',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
        },
        payload: 'grant_type=client_credentials',
      });
      expect(token.statusCode, token.body).toBe(200);
      return { userId: owner.id, headers: { authorization: `Bearer ${token.json<{ access_token: string }>().access_token}` } };
    },
  },
  {
    name: 'the platform admin (owner of system, not a member)',
    async make(_app, admin) {
      return { userId: admin.user.id, headers: bearer(admin) };
    },
  },
];

/** Everything of the victim org the attacks could change. */
async function snapshot(server: TestServer, orgId: string): Promise<unknown> {
  const db = server.stored.db;
  return {
    org: await db.selectFrom('orgs').selectAll().where('id', '=', orgId).execute(),
    members: await db.selectFrom('memberships').selectAll().where('org_id', '=', orgId).orderBy('user_id').execute(),
    roles: await db.selectFrom('org_roles').selectAll().where('org_id', '=', orgId).orderBy('name').execute(),
    versions: await db.selectFrom('org_role_versions').selectAll().where('org_id', '=', orgId).orderBy('version').execute(),
    clients: await db.selectFrom('service_clients').selectAll().where('org_id', '=', orgId).orderBy('id').execute(),
  };
}

function send(app: FastifyInstance, attacker: Attacker, route: AttackRoute, ref: string, victim: Victim): Promise<LightMyRequestResponse> {
  const body = route.body?.(victim, attacker);
  return app.inject({
    method: route.method,
    url: route.url(ref, victim),
    headers: attacker.headers,
    ...(body === undefined ? {} : { payload: body }),
  });
}

for (const backend of await backends()) {
  describe(`cross-tenant attacks on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let admin: Grant;
    let victim: Victim;

    beforeAll(async () => {
      store = await backend.create();
      server = await testServer(store, { env: ADMIN_ENV });
      admin = await login(server.app);
      const { org, owner } = await orgWithOwner(server.app, admin);
      const member = await userWithRole(server.app, admin, owner.grant, org, 'viewer');
      const role = await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/roles/deployer`, { permissions: ['jobs.read'] });
      expect(role.statusCode, role.body).toBe(201);
      victim = { org, owner, member };
    });

    afterAll(async () => {
      await server?.close();
      await store?.cleanup();
    });

    for (const kind of ATTACKERS) {
      for (const by of ['id', 'slug'] as const) {
        it(`${kind.name}, naming the org by ${by}: every org-scoped route is 404 and nothing changes`, async () => {
          const attacker = await kind.make(server.app, admin, victim);
          const before = await snapshot(server, victim.org.id);
          for (const route of ROUTES) {
            const response = await send(server.app, attacker, route, by === 'id' ? victim.org.id : victim.org.slug, victim);
            expect(response.statusCode, `${route.name}: ${response.body}`).toBe(404);
            const problem = expectProblem(response, 'not_found');
            expect(JSON.stringify(problem)).not.toContain(victim.org.slug);
          }
          expect(await snapshot(server, victim.org.id)).toEqual(before);
          const listed = await server.app.inject({ method: 'GET', url: '/api/v1/orgs', headers: attacker.headers });
          expect(listed.json<{ items: { id: string }[] }>().items.map((o) => o.id)).not.toContain(victim.org.id);
        });
      }
    }

    it('an org that does not exist answers exactly as one the caller cannot see', async () => {
      const outsider = await ATTACKERS[0]!.make(server.app, admin, victim);
      const hidden = await server.app.inject({ method: 'GET', url: `/api/v1/orgs/${victim.org.slug}`, headers: outsider.headers });
      const absent = await server.app.inject({ method: 'GET', url: '/api/v1/orgs/no-such-org', headers: outsider.headers });
      const strip = (r: LightMyRequestResponse) => ({ ...r.json<Record<string, unknown>>(), request_id: null });
      expect([hidden.statusCode, strip(hidden)]).toEqual([absent.statusCode, strip(absent)]);
    });
  });
}
