/**
 * Tenancy helpers for tests, through the real server: create users, orgs and memberships, and get a
 * logged-in user holding a given role in an org. Every helper fails the test unless the server
 * answers as the spec says.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { login, type Grant } from './identity.js';

export const MEMBER_PASSWORD = 'a member passphrase nobody guesses 9';

export interface OrgBody {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
}

export interface OrgUser {
  readonly id: string;
  readonly email: string;
  readonly grant: Grant;
}

export const bearer = (grant: Grant): Record<string, string> => ({ authorization: `Bearer ${grant.access_token}` });

/** An authenticated request as `grant` (a JSON body when `payload` is given). */
export function as(
  app: FastifyInstance,
  grant: Grant | undefined,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  payload?: object,
): Promise<LightMyRequestResponse> {
  return app.inject({ method, url, headers: grant === undefined ? {} : bearer(grant), ...(payload === undefined ? {} : { payload }) });
}

/** A unique slug for a test org. */
export function uniqueSlug(prefix = 'org'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Creates a platform user through `POST /api/v1/users` (as the platform admin) and logs it in. */
export async function createUser(app: FastifyInstance, admin: Grant, email = `${uniqueSlug('u')}@example.test`): Promise<OrgUser> {
  const response = await as(app, admin, 'POST', '/api/v1/users', { email, password: MEMBER_PASSWORD });
  expect(response.statusCode, response.body).toBe(201);
  const user = response.json<{ id: string; email: string }>();
  return { id: user.id, email: user.email, grant: await login(app, user.email, MEMBER_PASSWORD) };
}

/** Creates an org as `owner` (who becomes its owner). */
export async function createOrg(app: FastifyInstance, owner: Grant, slug = uniqueSlug(), name = `Org ${slug}`): Promise<OrgBody> {
  const response = await as(app, owner, 'POST', '/api/v1/orgs', { name, slug });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<OrgBody>();
}

/**
 * Adds `userId` to `org` with `role` directly, as `by`: a platform admin who holds members.manage
 * there (anyone else invites: {@link inviteMember}).
 */
export async function addMember(app: FastifyInstance, by: Grant, org: string, userId: string, role: string): Promise<void> {
  const response = await as(app, by, 'POST', `/api/v1/orgs/${org}/members`, { user_id: userId, role });
  expect(response.statusCode, response.body).toBe(201);
}

/** Invites `email` to `org` with `role`, as `by` (who needs members.manage there); the invitation id. */
export async function invite(app: FastifyInstance, by: Grant, org: string, email: string, role: string): Promise<string> {
  const response = await as(app, by, 'POST', `/api/v1/orgs/${org}/members`, { email, role });
  expect(response.statusCode, response.body).toBe(202);
  return response.json<{ invitation_id: string }>().invitation_id;
}

/** Makes `user` a member of `org` with `role` the way a member does: `by` invites, `user` accepts. */
export async function inviteMember(
  app: FastifyInstance,
  by: Grant,
  org: string,
  user: Pick<OrgUser, 'email' | 'grant'>,
  role: string,
): Promise<void> {
  const id = await invite(app, by, org, user.email, role);
  const accepted = await as(app, user.grant, 'POST', `/api/v1/me/invitations/${id}/accept`);
  expect(accepted.statusCode, accepted.body).toBe(200);
}

/** A fresh org with a fresh owner (a logged-in user). */
export async function orgWithOwner(app: FastifyInstance, admin: Grant, slug = uniqueSlug()): Promise<{ org: OrgBody; owner: OrgUser }> {
  const owner = await createUser(app, admin);
  const org = await createOrg(app, owner.grant, slug);
  return { org, owner };
}

/** A fresh, logged-in user who holds `role` in `org` (invited by `owner`, and accepted). */
export async function userWithRole(app: FastifyInstance, admin: Grant, owner: Grant, org: OrgBody, role: string): Promise<OrgUser> {
  const user = await createUser(app, admin);
  await inviteMember(app, owner, org.id, user, role);
  return user;
}

/**
 * Gives `org` at least one row in every tenant table, through the API as its owner: a custom role
 * with two versions, an API key confined to the org, a pending invitation, a secret, and a service client whose token
 * was revoked (RFC 7009). Tests of isolation and deletion then have something to lose.
 */
export async function fillTenantTables(app: FastifyInstance, owner: Grant, org: OrgBody): Promise<void> {
  const expectOk = (response: LightMyRequestResponse) => expect(response.statusCode, response.body).toBeLessThan(300);
  for (const version of [['jobs.read'], ['jobs.read', 'jobs.cancel']]) {
    expectOk(await as(app, owner, 'PUT', `/api/v1/orgs/${org.id}/roles/deployer`, { permissions: version }));
  }
  expectOk(await as(app, owner, 'POST', '/api/v1/api-keys', { name: 'ci', scopes: ['secrets.read'], org: org.id }));
  expectOk(await as(app, owner, 'POST', `/api/v1/orgs/${org.id}/members`, { email: `invitee@${org.slug}.example.test`, role: 'viewer' }));
  expectOk(await as(app, owner, 'PUT', `/api/v1/orgs/${org.id}/secrets/db-password`, { value: `value of ${org.slug}` }));
  const created = await as(app, owner, 'POST', `/api/v1/orgs/${org.id}/clients`, {
    name: 'worker',
    scopes: ['members.read'],
    auth_method: 'client_secret_basic',
  });
  expectOk(created);
  const client = created.json<{ client_id: string; client_secret: string }>();
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`).toString('base64')}`;
  const formPost = (url: string, fields: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url,
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });
  const token = await formPost('/api/v1/oauth/token', { grant_type: 'client_credentials' });
  expectOk(token);
  expectOk(await formPost('/api/v1/oauth/revoke', { token: token.json<{ access_token: string }>().access_token }));
}
