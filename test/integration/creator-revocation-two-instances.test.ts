/**
 * Disabled or erased creators (issue 13, item 11). The exploit: a service client of a user who was
 * just disabled kept revealing the org's secrets on another instance for as long as that instance
 * trusted its cached authorization (~30 s), and an erasure left the user's clients unrevoked.
 *
 * Two instances share PostgreSQL and Redis. The second caches the creator's client token and API
 * key by using them; the first disables the creator; as soon as the revocation event reaches the
 * second — no sleep, no TTL — both are refused there and no secret is revealed. Erasing the user
 * (by an admin, or by the user themselves) revokes every client they created, in the store and on
 * every instance, each revocation audited.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RevocationEvent } from '../../src/kernel/ports/revocation-bus.js';
import { backends, postgresBackend, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { addMember, as, createOrg, createUser, MEMBER_PASSWORD, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { postgresAvailable, REDIS_URL, redisAvailable } from '../helpers/services.js';

const ready = (await postgresAvailable()) && (await redisAvailable());

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

interface Creator {
  readonly user: OrgUser;
  readonly key: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** A user who is an admin of `org`, with an API key and a service client that may reveal its secrets. */
async function creatorIn(server: TestServer, admin: Grant, org: OrgBody): Promise<Creator> {
  const user = await createUser(server.app, admin);
  await addMember(server.app, admin, org.id, user.id, 'admin');
  const context = { ip: '192.0.2.20', userAgent: undefined, requestId: 'req-creator' };
  const issued = await server.rampart.credentials.apiKeys.create(
    { name: 'deploy', scopes: ['secrets.manage'], org: org.id },
    { ...context, principal: { type: 'user', id: user.id, via: 'bearer' } },
  );
  const client = await as(server.app, user.grant, 'POST', `/api/v1/orgs/${org.id}/clients`, {
    name: 'reader',
    scopes: ['secrets.manage'],
    auth_method: 'client_secret_basic',
  });
  expect(client.statusCode, client.body).toBe(201);
  const body = client.json<{ client_id: string; client_secret: string }>();
  return { user, key: issued.secret.reveal(), clientId: body.client_id, clientSecret: body.client_secret };
}

function tokenRequest(server: TestServer, creator: Creator): Promise<LightMyRequestResponse> {
  return server.app.inject({
    method: 'POST',
    url: '/api/v1/oauth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(creator.clientId, creator.clientSecret) },
    payload: 'grant_type=client_credentials',
  });
}

function reveal(server: TestServer, org: OrgBody, credential: string): Promise<LightMyRequestResponse> {
  return server.app.inject({
    method: 'POST',
    url: `/api/v1/orgs/${org.id}/secrets/db/reveal`,
    headers: { authorization: `Bearer ${credential}` },
    payload: {},
  });
}

describe.runIf(ready)('disabled and erased creators across two instances (PostgreSQL + Redis)', () => {
  let store: BackendInstance;
  let first: TestServer;
  let second: TestServer;
  let admin: Grant;
  let org: OrgBody;

  /** Resolves when `server`'s bus delivers the event of `kind` about `id`. */
  async function eventOn(server: TestServer, kind: RevocationEvent['kind'], id: string): Promise<() => Promise<void>> {
    let seen!: () => void;
    const arrived = new Promise<void>((resolve) => (seen = resolve));
    const subscription = await server.rampart.identity.bus.subscribe({
      onRevoked: (event: RevocationEvent) => {
        if (event.kind === kind && event.id === id) seen();
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
    admin = await login(first.app);
    org = await createOrg(first.app, admin);
    expect((await as(first.app, admin, 'PUT', `/api/v1/orgs/${org.id}/secrets/db`, { value: 'hunter2' })).statusCode).toBe(200);
  });

  afterAll(async () => {
    await second?.close();
    await first?.close();
    await store?.cleanup();
  });

  it('hardening 11: disabling the creator stops their client token and key on the other instance as soon as the event arrives', async () => {
    const creator = await creatorIn(first, admin, org);
    const token = (await tokenRequest(second, creator)).json<{ access_token: string }>().access_token;
    // The second instance authenticates (and caches) both.
    expect((await reveal(second, org, token)).json()).toEqual({ value: 'hunter2', version: 1 });
    expect((await reveal(second, org, creator.key)).statusCode).toBe(200);

    // The event that drops what every instance cached of the user (their id, kind `api_key`).
    const dropped = await eventOn(second, 'api_key', creator.user.id);
    expect((await as(first.app, admin, 'PATCH', `/api/v1/users/${creator.user.id}`, { disabled: true })).statusCode).toBe(200);
    await dropped();
    expectProblem(await reveal(second, org, token), 'token_invalid');
    expectProblem(await reveal(second, org, creator.key), 'token_invalid');
    const refused = await tokenRequest(second, creator);
    expect(refused.statusCode, refused.body).toBe(401);
    expect(refused.json()).toMatchObject({ error: 'invalid_client' });
    // Nothing of the org changed: the secret is where it was, and the client is not revoked (re-enabling restores it).
    const row = await first.stored.db
      .selectFrom('service_clients')
      .select('revoked_at')
      .where('id', '=', creator.clientId)
      .executeTakeFirst();
    expect(row?.revoked_at).toBeNull();
    expect((await as(first.app, admin, 'PATCH', `/api/v1/users/${creator.user.id}`, { disabled: false })).statusCode).toBe(200);
    expect((await reveal(first, org, (await tokenRequest(first, creator)).json<{ access_token: string }>().access_token)).statusCode).toBe(
      200,
    );
  });

  it('hardening 11: erasing the creator revokes every client they made, in the store and on every instance', async () => {
    const creator = await creatorIn(first, admin, org);
    const token = (await tokenRequest(second, creator)).json<{ access_token: string }>().access_token;
    expect((await reveal(second, org, token)).statusCode).toBe(200);

    const revoked = await eventOn(second, 'client', creator.clientId);
    expect((await as(first.app, admin, 'DELETE', `/api/v1/users/${creator.user.id}`)).statusCode).toBe(204);
    const row = await first.stored.db
      .selectFrom('service_clients')
      .select('revoked_at')
      .where('id', '=', creator.clientId)
      .executeTakeFirst();
    expect(row?.revoked_at).not.toBeNull();
    await revoked();
    expectProblem(await reveal(second, org, token), 'token_invalid');
    expect((await tokenRequest(second, creator)).statusCode).toBe(401);
    expect(await first.stored.db.selectFrom('api_keys').selectAll().where('user_id', '=', creator.user.id).execute()).toEqual([]);
  });
});

for (const backend of await backends()) {
  describe(`an erasure revokes the user's service clients on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let admin: Grant;
    let org: OrgBody;

    beforeAll(async () => {
      store = await backend.create();
      server = await testServer(store, { env: ADMIN_ENV });
      admin = await login(server.app);
      org = await createOrg(server.app, admin);
      expect((await as(server.app, admin, 'PUT', `/api/v1/orgs/${org.id}/secrets/db`, { value: 'hunter2' })).statusCode).toBe(200);
    });

    afterAll(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it("hardening 11: a user's own erasure (DELETE /api/v1/me) revokes their clients and their tokens stop", async () => {
      const creator = await creatorIn(server, admin, org);
      const token = (await tokenRequest(server, creator)).json<{ access_token: string }>().access_token;
      expect((await reveal(server, org, token)).statusCode).toBe(200);
      const erased = await as(server.app, creator.user.grant, 'DELETE', '/api/v1/me', { password: MEMBER_PASSWORD });
      expect(erased.statusCode, erased.body).toBe(202);
      const row = await server.stored.db
        .selectFrom('service_clients')
        .select('revoked_at')
        .where('id', '=', creator.clientId)
        .executeTakeFirst();
      expect(row?.revoked_at).not.toBeNull();
      expectProblem(await reveal(server, org, token), 'token_invalid');
      expect((await tokenRequest(server, creator)).statusCode).toBe(401);
    });

    it('hardening 11: an admin erasure revokes the clients of the erased user only', async () => {
      const erased = await creatorIn(server, admin, org);
      const kept = await creatorIn(server, admin, org);
      expect((await as(server.app, admin, 'DELETE', `/api/v1/users/${erased.user.id}`)).statusCode).toBe(204);
      const rows = await server.stored.db.selectFrom('service_clients').select(['id', 'revoked_at']).execute();
      const revoked = new Map(rows.map((r) => [r.id, r.revoked_at !== null]));
      expect(revoked.get(erased.clientId)).toBe(true);
      expect(revoked.get(kept.clientId)).toBe(false);
      expect((await tokenRequest(server, kept)).statusCode).toBe(200);
    });
  });
}
