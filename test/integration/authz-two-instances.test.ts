/**
 * Decisions are cached per (user, org) on each instance; a membership or role change must take
 * effect at once on every instance. Two instances share PostgreSQL and Redis: the second caches a
 * viewer's decisions, the first promotes (then removes) the viewer, and as soon as the `authz`
 * event reaches the second instance — no sleep, no TTL — its answers follow. Without the event the
 * second instance would keep its cached role for 30 s (CACHE_TTL_MS).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RevocationEvent } from '../../src/kernel/ports/revocation-bus.js';
import { postgresBackend, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login } from '../helpers/identity.js';
import { as, orgWithOwner, userWithRole, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { postgresAvailable, REDIS_URL, redisAvailable } from '../helpers/services.js';

const ready = (await postgresAvailable()) && (await redisAvailable());

describe.runIf(ready)('authorization changes across two instances (PostgreSQL + Redis)', () => {
  let store: BackendInstance;
  let first: TestServer;
  let second: TestServer;
  let org: OrgBody;
  let owner: OrgUser;
  let member: OrgUser;

  /** Resolves when `server`'s bus delivers an `authz` event for the org. */
  async function authzEventOn(server: TestServer, orgId: string): Promise<() => Promise<void>> {
    let seen!: () => void;
    const arrived = new Promise<void>((resolve) => (seen = resolve));
    const subscription = await server.rampart.identity.bus.subscribe({
      onRevoked: (event: RevocationEvent) => {
        if (event.kind === 'authz' && event.id === orgId) seen();
      },
      onResync: () => undefined,
    });
    return async () => {
      await arrived;
      await subscription.unsubscribe();
    };
  }

  beforeAll(async () => {
    store = await postgresBackend.create();
    const env = { ...ADMIN_ENV, RAMPART_REDIS_URL: REDIS_URL };
    first = await testServer(store, { env });
    second = await testServer(store, { env });
    const admin = await login(first.app);
    ({ org, owner } = await orgWithOwner(first.app, admin));
    member = await userWithRole(first.app, admin, owner.grant, org, 'viewer');
  });

  afterAll(async () => {
    await second?.close();
    await first?.close();
    await store?.cleanup();
  });

  it('a role change on the first instance takes effect on the second as soon as the event arrives', async () => {
    // The second instance decides (and caches): a viewer cannot list members.
    expectProblem(await as(second.app, member.grant, 'GET', `/api/v1/orgs/${org.id}/members`), 'forbidden');
    expect((await as(second.app, member.grant, 'GET', `/api/v1/orgs/${org.id}`)).statusCode).toBe(200);

    const promoted = await authzEventOn(second, org.id);
    const patch = await as(first.app, owner.grant, 'PATCH', `/api/v1/orgs/${org.id}/members/${member.id}`, { role: 'admin' });
    expect(patch.statusCode, patch.body).toBe(200);
    await promoted();
    expect((await as(second.app, member.grant, 'GET', `/api/v1/orgs/${org.id}/members`)).statusCode).toBe(200);

    const removed = await authzEventOn(second, org.id);
    expect((await as(first.app, owner.grant, 'DELETE', `/api/v1/orgs/${org.id}/members/${member.id}`)).statusCode).toBe(204);
    await removed();
    expectProblem(await as(second.app, member.grant, 'GET', `/api/v1/orgs/${org.id}`), 'not_found');
  });

  it('a custom role rewritten on the first instance grants the new permissions on the second', async () => {
    const put = await as(first.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/roles/reader`, { permissions: ['org.read'] });
    expect(put.statusCode, put.body).toBe(201);
    const rewritten = await authzEventOn(second, org.id);
    const reader = await as(first.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/members`, { email: member.email, role: 'reader' });
    expect(reader.statusCode, reader.body).toBe(202);
    const invitation = reader.json<{ invitation_id: string }>().invitation_id;
    const accepted = await as(first.app, member.grant, 'POST', `/api/v1/me/invitations/${invitation}/accept`);
    expect(accepted.statusCode, accepted.body).toBe(200);
    await rewritten();
    expectProblem(await as(second.app, member.grant, 'GET', `/api/v1/orgs/${org.id}/members`), 'forbidden');

    const widened = await authzEventOn(second, org.id);
    await as(first.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/roles/reader`, { permissions: ['org.read', 'members.read'] });
    await widened();
    expect((await as(second.app, member.grant, 'GET', `/api/v1/orgs/${org.id}/members`)).statusCode).toBe(200);
  });
});
