/**
 * API keys through the real server on every backend (test/fixtures/spec-api-v1.md, "API keys"):
 * shown once and stored hashed, scopes bounded by the creator at creation and at use, rotation
 * with its grace period, revocation at once, expiry, `last_used_at` once a minute, a rate-limit
 * bucket of the key's own, and an audit entry for every change.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { hashApiKey } from '../../src/credentials/crypto/api-key-secret.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, MEMBER_PASSWORD, orgWithOwner, userWithRole, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

interface IssuedKey {
  id: string;
  key: string;
  prefix: string;
  scopes: string[];
  org: string | null;
  expires_at: string | null;
  created_at: string;
  last_used_at: string | null;
}

const withKey = (key: string) => ({ authorization: `Bearer ${key}` });

for (const backend of await backends()) {
  describe(`API keys on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let audit: MemoryAuditLog;
    let clock: FakeClock;
    let admin: Grant;
    let org: OrgBody;
    let owner: OrgUser;

    async function createKey(grant: Grant, body: object) {
      return as(server.app, grant, 'POST', '/api/v1/api-keys', body);
    }

    async function issued(grant: Grant, body: object): Promise<IssuedKey> {
      const response = await createKey(grant, body);
      expect(response.statusCode, response.body).toBe(201);
      return response.json<IssuedKey>();
    }

    const members = (key: string) => server.app.inject({ method: 'GET', url: `/api/v1/orgs/${org.id}/members`, headers: withKey(key) });

    beforeEach(async () => {
      store = await backend.create();
      audit = new MemoryAuditLog();
      clock = new FakeClock(Date.now());
      server = await testServer(store, { env: ADMIN_ENV, audit, clock });
      admin = await login(server.app);
      ({ org, owner } = await orgWithOwner(server.app, admin));
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('creates a key shown once (rk_ + 256 bits), stored as SHA-256 only, that acts within its scopes', async () => {
      const key = await issued(owner.grant, { name: 'ci', scopes: ['members.read'], org: org.slug });
      expect(key.key).toMatch(/^rk_[A-Za-z0-9_-]{43}$/);
      expect(key.id).toMatch(/^key_[0-9a-f]{32}$/);
      expect(key.prefix).toBe(key.key.slice(0, 9));
      expect(key).toMatchObject({ scopes: ['members.read'], org: org.id, expires_at: null });

      expect((await members(key.key)).statusCode).toBe(200);
      // Outside its scopes, even though the owner holds it: 403.
      expectProblem(
        await server.app.inject({ method: 'GET', url: `/api/v1/orgs/${org.id}/roles`, headers: withKey(key.key) }),
        'forbidden',
      );

      const list = await as(server.app, owner.grant, 'GET', '/api/v1/api-keys');
      expect(list.statusCode).toBe(200);
      expect(list.body).not.toContain(key.key);
      expect(list.json<{ items: IssuedKey[] }>().items).toEqual([expect.objectContaining({ id: key.id, prefix: key.prefix })]);
      expect(list.json<{ items: Record<string, unknown>[] }>().items[0]).not.toHaveProperty('key');

      const row = await server.stored.db.selectFrom('api_keys').selectAll().where('id', '=', key.id).executeTakeFirstOrThrow();
      expect(row.key_hash).toBe(hashApiKey(key.key));
      expect(JSON.stringify(row)).not.toContain(key.key.slice(3));
      expect(audit.events().filter((e) => e.action === 'api_key.create' && e.resource === key.id)).toHaveLength(1);
      expect(JSON.stringify(audit.events())).not.toContain(key.key.slice(3));
    });

    it('refuses, at creation, a scope beyond the creator (403) and stores nothing', async () => {
      const viewer = await userWithRole(server.app, admin, owner.grant, org, 'viewer');
      expectProblem(await createKey(viewer.grant, { name: 'escalate', scopes: ['members.manage'], org: org.id }), 'forbidden');
      expectProblem(await createKey(viewer.grant, { name: 'platform', scopes: ['users.manage'] }), 'forbidden');
      expectProblem(await createKey(viewer.grant, { name: 'no org', scopes: ['org.read'] }), 'validation_failed');
      // An org the creator is not in is not revealed.
      const other = await orgWithOwner(server.app, admin);
      expectProblem(await createKey(viewer.grant, { name: 'elsewhere', scopes: ['org.read'], org: other.org.id }), 'not_found');
      const list = await as(server.app, viewer.grant, 'GET', '/api/v1/api-keys');
      expect(list.json<{ items: unknown[] }>().items).toEqual([]);
      expect(await server.stored.db.selectFrom('api_keys').select('id').where('user_id', '=', viewer.id).execute()).toEqual([]);
    });

    it('a creator who loses a permission takes it from the key, and gets it back with the permission', async () => {
      const manager = await userWithRole(server.app, admin, owner.grant, org, 'admin');
      const key = await issued(manager.grant, { name: 'bot', scopes: ['members.read'], org: org.id });
      expect((await members(key.key)).statusCode).toBe(200);
      const demote = await as(server.app, owner.grant, 'PATCH', `/api/v1/orgs/${org.id}/members/${manager.id}`, { role: 'viewer' });
      expect(demote.statusCode, demote.body).toBe(200);
      expectProblem(await members(key.key), 'forbidden');
      await as(server.app, owner.grant, 'PATCH', `/api/v1/orgs/${org.id}/members/${manager.id}`, { role: 'admin' });
      expect((await members(key.key)).statusCode).toBe(200);
      // Removed from the org: the key no longer sees it at all.
      await as(server.app, owner.grant, 'DELETE', `/api/v1/orgs/${org.id}/members/${manager.id}`);
      expectProblem(await members(key.key), 'not_found');
    });

    it('a key confined to one org cannot act in another org of its owner (404)', async () => {
      const key = await issued(owner.grant, { name: 'a', scopes: ['members.read'], org: org.id });
      const second = await as(server.app, owner.grant, 'POST', '/api/v1/orgs', { name: 'Second', slug: `second-${org.slug}` });
      expect(second.statusCode).toBe(201);
      const elsewhere = await server.app.inject({
        method: 'GET',
        url: `/api/v1/orgs/${second.json<OrgBody>().id}/members`,
        headers: withKey(key.key),
      });
      expectProblem(elsewhere, 'not_found');
    });

    it('rotation: a new key at once; the old one works for the grace period, then is refused', async () => {
      const old = await issued(owner.grant, { name: 'rotating', scopes: ['members.read'], org: org.id });
      expect((await members(old.key)).statusCode).toBe(200); // cached now
      const rotated = await as(server.app, owner.grant, 'POST', `/api/v1/api-keys/${old.id}/rotate`, { grace_seconds: 60 });
      expect(rotated.statusCode, rotated.body).toBe(201);
      const successor = rotated.json<IssuedKey>();
      expect(successor.key).not.toBe(old.key);
      expect(successor).toMatchObject({ scopes: ['members.read'], org: org.id });
      expect((await members(successor.key)).statusCode).toBe(200);
      expect((await members(old.key)).statusCode).toBe(200);
      clock.advance(59_000);
      expect((await members(old.key)).statusCode).toBe(200);
      clock.advance(1_000);
      expectProblem(await members(old.key), 'token_invalid');
      expect((await members(successor.key)).statusCode).toBe(200);
      // A rotated key is not rotated twice.
      expectProblem(await as(server.app, owner.grant, 'POST', `/api/v1/api-keys/${old.id}/rotate`, {}), 'conflict');
      expectProblem(
        await as(server.app, owner.grant, 'POST', `/api/v1/api-keys/${successor.id}/rotate`, { grace_seconds: 86_401 }),
        'validation_failed',
      );
      expect(audit.events().some((e) => e.action === 'api_key.rotate' && e.resource === successor.id)).toBe(true);
    });

    it('rotation without a grace period stops the old key at once, even from the cache', async () => {
      const old = await issued(owner.grant, { name: 'now', scopes: ['members.read'], org: org.id });
      expect((await members(old.key)).statusCode).toBe(200);
      const rotated = await server.app.inject({
        method: 'POST',
        url: `/api/v1/api-keys/${old.id}/rotate`,
        headers: { authorization: `Bearer ${owner.grant.access_token}` },
      });
      expect(rotated.statusCode, rotated.body).toBe(201);
      expectProblem(await members(old.key), 'token_invalid');
      expect((await members(rotated.json<IssuedKey>().key)).statusCode).toBe(200);
    });

    it('revocation: 204, refused at once (though cached), audited; another user cannot revoke it (404)', async () => {
      const key = await issued(owner.grant, { name: 'gone', scopes: ['members.read'], org: org.id });
      expect((await members(key.key)).statusCode).toBe(200);
      const stranger = await userWithRole(server.app, admin, owner.grant, org, 'admin');
      expectProblem(await as(server.app, stranger.grant, 'DELETE', `/api/v1/api-keys/${key.id}`), 'not_found');
      expect((await members(key.key)).statusCode).toBe(200);
      const revoked = await as(server.app, owner.grant, 'DELETE', `/api/v1/api-keys/${key.id}`);
      expect(revoked.statusCode).toBe(204);
      expectProblem(await members(key.key), 'token_invalid');
      expect(audit.events().some((e) => e.action === 'api_key.revoke' && e.resource === key.id)).toBe(true);
      expect(audit.events().some((e) => e.action === 'api_key.use' && e.result === 'failure' && e.resource === key.id)).toBe(true);
    });

    it('expiry: a key past expires_at is refused with token_expired; a past expires_at is refused at creation', async () => {
      const expires = new Date(clock.now() + 3_600_000).toISOString();
      const key = await issued(owner.grant, { name: 'short', scopes: ['members.read'], org: org.id, expires_at: expires });
      expect(key.expires_at).toBe(expires);
      expect((await members(key.key)).statusCode).toBe(200);
      clock.advance(3_600_000);
      expectProblem(await members(key.key), 'token_expired');
      const past = new Date(clock.now() - 1000).toISOString();
      const fresh = await login(server.app, owner.email, MEMBER_PASSWORD); // the first access token has expired too
      expectProblem(await createKey(fresh, { name: 'past', scopes: ['members.read'], org: org.id, expires_at: past }), 'validation_failed');
    });

    it('last_used_at is written at most once a minute per key', async () => {
      const key = await issued(owner.grant, { name: 'used', scopes: ['members.read'], org: org.id });
      const lastUsed = async () =>
        (await server.stored.db.selectFrom('api_keys').select('last_used_at').where('id', '=', key.id).executeTakeFirstOrThrow())
          .last_used_at;
      const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
      const first = clock.now();
      await members(key.key);
      await settle();
      expect(await lastUsed()).toBe(first);
      clock.advance(30_000);
      await members(key.key);
      await members(key.key);
      await settle();
      expect(await lastUsed()).toBe(first);
      clock.advance(30_000);
      await members(key.key);
      await settle();
      expect(await lastUsed()).toBe(first + 60_000);
      const list = await as(server.app, owner.grant, 'GET', '/api/v1/api-keys');
      expect(list.json<{ items: IssuedKey[] }>().items[0]?.last_used_at).toBe(new Date(first + 60_000).toISOString());
    });

    it('only a user manages keys: a key cannot mint, list or revoke keys', async () => {
      const key = await issued(owner.grant, { name: 'k', scopes: ['members.read'], org: org.id });
      const mint = await server.app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: withKey(key.key),
        payload: { name: 'child', scopes: ['members.read'], org: org.id },
      });
      expectProblem(mint, 'forbidden');
      expectProblem(
        await server.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${key.id}`, headers: withKey(key.key) }),
        'forbidden',
      );
    });

    it('a platform key (users.manage, no org) of the platform admin lists users; the same scope confined to an org does not', async () => {
      const key = await issued(admin, { name: 'platform', scopes: ['users.manage'] });
      expect(key.org).toBeNull();
      const users = await server.app.inject({ method: 'GET', url: '/api/v1/users', headers: withKey(key.key) });
      expect(users.statusCode, users.body).toBe(200);
      expectProblem(
        await server.app.inject({ method: 'GET', url: `/api/v1/orgs/${org.id}/members`, headers: withKey(key.key) }),
        'not_found',
      );
      const confined = await issued(owner.grant, { name: 'org', scopes: ['members.read'], org: org.id });
      expectProblem(await server.app.inject({ method: 'GET', url: '/api/v1/users', headers: withKey(confined.key) }), 'forbidden');
    });

    it('lists by cursor', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await issued(owner.grant, { name: `k${i}`, scopes: ['org.read'], org: org.id })).id);
      const first = await as(server.app, owner.grant, 'GET', '/api/v1/api-keys?limit=2');
      const page = first.json<{ items: IssuedKey[]; next_cursor: string | null }>();
      expect(page.items).toHaveLength(2);
      const second = await as(server.app, owner.grant, 'GET', `/api/v1/api-keys?limit=2&cursor=${page.next_cursor ?? ''}`);
      const rest = second.json<{ items: IssuedKey[]; next_cursor: string | null }>();
      expect([...page.items, ...rest.items].map((k) => k.id)).toEqual([...ids].sort());
      expect(rest.next_cursor).toBeNull();
      expectProblem(await as(server.app, owner.grant, 'GET', '/api/v1/api-keys?cursor=bm9wZQ'), 'validation_failed');
    });
  });
}

describe('API key rate limit', () => {
  let store: BackendInstance;
  let server: TestServer;

  afterEach(async () => {
    await server?.close();
    await store?.cleanup();
  });

  it('a key has a bucket of its own: its 429s leave its owner alone', async () => {
    store = await (await backends())[0]!.create();
    server = await testServer(store, { env: { ...ADMIN_ENV, RAMPART_RATE_LIMIT: '4' } });
    const admin = await login(server.app);
    const { org, owner } = await orgWithOwner(server.app, admin);
    const created = await as(server.app, owner.grant, 'POST', '/api/v1/api-keys', { name: 'busy', scopes: ['org.read'], org: org.id });
    const key = created.json<IssuedKey>().key;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await server.app.inject({ method: 'GET', url: `/api/v1/orgs/${org.id}`, headers: withKey(key) })).statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    expect((await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}`)).statusCode).toBe(200);
  });
});

for (const backend of await backends()) {
  describe(`API key refusals under RAMPART_COLLECT_IP=off and RAMPART_COLLECT_USER_AGENT=off on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    const audit = new MemoryAuditLog();

    beforeAll(async () => {
      store = await backend.create();
      server = await testServer(store, { env: { ...ADMIN_ENV, RAMPART_COLLECT_IP: 'off', RAMPART_COLLECT_USER_AGENT: 'off' }, audit });
    });

    afterAll(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('promises 2: the refused use of a revoked key is audited without the address or the user agent', async () => {
      const admin = await login(server.app);
      const { org, owner } = await orgWithOwner(server.app, admin);
      const created = await as(server.app, owner.grant, 'POST', '/api/v1/api-keys', {
        name: 'gone',
        scopes: ['members.read'],
        org: org.id,
      });
      expect(created.statusCode, created.body).toBe(201);
      const key = created.json<IssuedKey>();
      expect((await as(server.app, owner.grant, 'DELETE', `/api/v1/api-keys/${key.id}`)).statusCode).toBe(204);
      const refused = await server.app.inject({
        method: 'GET',
        url: `/api/v1/orgs/${org.id}/members`,
        headers: { ...withKey(key.key), 'user-agent': 'curl/8.5.0 (collected-agent-marker)' },
        remoteAddress: '198.51.100.77',
      });
      expectProblem(refused, 'token_invalid');
      const entry = audit
        .events()
        .find((event) => event.action === 'api_key.use' && event.result === 'failure' && event.resource === key.id);
      expect(entry).toBeDefined();
      expect(entry?.userAgent).toBeUndefined();
      expect(entry?.sourceIp ?? null).toBeNull();
      expect(JSON.stringify(audit.events())).not.toContain('collected-agent-marker');
      expect(JSON.stringify(audit.events())).not.toContain('198.51.100.77');
    });
  });
}
