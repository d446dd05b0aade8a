/**
 * Tenancy helpers for tests, through the real server: create users, orgs and memberships, and get a
 * logged-in user holding a given role in an org. Every helper fails the test unless the server
 * answers as the spec says.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { login, type Grant } from './identity.js';

export const MEMBER_PASSWORD = 'a member passphrase nobody guesses 9';

/** The signing secret of the inbound hook source {@link fillTenantTables} creates. */
const FIXTURE_HOOK_SECRET = `whsec_${Buffer.alloc(32, 6).toString('base64')}`;

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
 * was revoked (RFC 7009), and a webhook endpoint with the deliveries of those changes' events (its `.invalid` host never
 * resolves: nothing leaves the machine). Tests of isolation and deletion then have something to lose.
 */
export async function fillTenantTables(app: FastifyInstance, owner: Grant, org: OrgBody): Promise<void> {
  const expectOk = (response: LightMyRequestResponse) => expect(response.statusCode, response.body).toBeLessThan(300);
  const hook = await as(app, owner, 'POST', `/api/v1/orgs/${org.id}/webhooks`, {
    url: 'https://hooks.rampart-fixture.invalid/',
    events: ['*'],
  });
  expectOk(hook);
  for (const version of [['jobs.read'], ['jobs.read', 'jobs.cancel']]) {
    expectOk(await as(app, owner, 'PUT', `/api/v1/orgs/${org.id}/roles/deployer`, { permissions: version }));
  }
  expectOk(await as(app, owner, 'POST', '/api/v1/api-keys', { name: 'ci', scopes: ['secrets.read'], org: org.id }));
  expectOk(await as(app, owner, 'POST', `/api/v1/orgs/${org.id}/members`, { email: `invitee@${org.slug}.example.test`, role: 'viewer' }));
  expectOk(await as(app, owner, 'PUT', `/api/v1/orgs/${org.id}/secrets/db-password`, { value: `value of ${org.slug}` }));
  // A job that ran and printed (issue 14): rows in `jobs` and `job_logs`.
  const job = await as(app, owner, 'POST', `/api/v1/orgs/${org.id}/jobs`, { command: ['/bin/echo', `output of ${org.slug}`] });
  expectOk(job);
  for (let tries = 0; tries < 400; tries++) {
    const ran = await as(app, owner, 'GET', `/api/v1/orgs/${org.id}/jobs/${job.json<{ id: string }>().id}/logs`);
    if (ran.json<{ status: string }>().status === 'succeeded') break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
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
  // Issue 16: a licence with one installation activated (licences, licence_activations).
  const issued = await as(app, owner, 'POST', `/api/v1/orgs/${org.id}/licences`, { product: 'compiler', max_activations: 2 });
  expectOk(issued);
  const activation = { licence_key: issued.json<{ licence_key: string }>().licence_key, installation_id: `inst-${org.slug}` };
  expectOk(await app.inject({ method: 'POST', url: '/api/v1/licences/activate', payload: activation }));
  // Issue 15 item 4: an inbound hook source (webhook_sources) and one verified event in its inbox (webhook_inbox),
  // signed at the server's own time (the source's created_at: tests may run on a fake clock).
  const source = await as(app, owner, 'PUT', `/api/v1/orgs/${org.id}/hook-sources/fixture`, { secret: FIXTURE_HOOK_SECRET });
  expectOk(source);
  const { id: sourceId, created_at: sourceAt } = source.json<{ id: string; created_at: string }>();
  const hookBody = '{"type":"fixture.event"}';
  const hookAt = Math.floor(Date.parse(sourceAt) / 1000);
  const hookId = `msg_fixture_${org.slug}`;
  const hookSignature = new Webhook(FIXTURE_HOOK_SECRET).sign(hookId, new Date(hookAt * 1000), hookBody);
  expectOk(
    await app.inject({
      method: 'POST',
      url: `/api/v1/hooks/${sourceId}`,
      headers: {
        'content-type': 'application/json',
        'webhook-id': hookId,
        'webhook-timestamp': String(hookAt),
        'webhook-signature': hookSignature,
      },
      payload: hookBody,
    }),
  );
  // Issue 22 item 6: an access review attestation (access_review_attestations).
  expectOk(await as(app, owner, 'POST', `/api/v1/orgs/${org.id}/access-review/attestations`, { note: `reviewed ${org.slug}` }));
  // Issue 15: the server's webhook worker fans the events above out within its poll interval (webhook_deliveries).
  const deliveries = `/api/v1/orgs/${org.id}/webhooks/${hook.json<{ id: string }>().id}/deliveries`;
  for (let tries = 0; ; tries += 1) {
    const page = await as(app, owner, 'GET', deliveries);
    expectOk(page);
    if (page.json<{ items: unknown[] }>().items.length > 0) break;
    expect(tries, 'no webhook delivery was fanned out').toBeLessThan(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
