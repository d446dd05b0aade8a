/**
 * Forged, stolen and stale API keys. The exploits: guess or forge a key (`rk_` with the wrong
 * length, a real key's display prefix with another secret), keep using a key after it was revoked
 * — on another instance behind the load balancer — or after its owner was deleted, or mint a key
 * that carries more than its creator may do. Each is refused with 401 (or 403 for the escalation)
 * and leaves the stored keys as they were.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, MEMBER_PASSWORD, orgWithOwner, userWithRole, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { REDIS_URL, redisAvailable } from '../helpers/services.js';

const redisUp = await redisAvailable();

async function eventually(check: () => Promise<boolean>, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

for (const backend of await backends()) {
  describe(`API key attacks on ${backend.name}`, () => {
    let store: BackendInstance;
    const servers: TestServer[] = [];
    let server: TestServer;
    let admin: Grant;
    let org: OrgBody;
    let owner: OrgUser;
    let clock: FakeClock;

    const rows = async (s: TestServer) => s.stored.db.selectFrom('api_keys').selectAll().orderBy('id').execute();
    const members = (s: TestServer, key: string) =>
      s.app.inject({ method: 'GET', url: `/api/v1/orgs/${org.id}/members`, headers: { authorization: `Bearer ${key}` } });
    async function newKey(grant: Grant, s = server): Promise<{ id: string; key: string; prefix: string }> {
      const response = await as(s.app, grant, 'POST', '/api/v1/api-keys', { name: 'k', scopes: ['members.read'], org: org.id });
      expect(response.statusCode, response.body).toBe(201);
      return response.json();
    }

    beforeEach(async () => {
      store = await backend.create();
      clock = new FakeClock(Date.now());
      server = await testServer(store, { env: ADMIN_ENV, clock });
      servers.push(server);
      admin = await login(server.app);
      ({ org, owner } = await orgWithOwner(server.app, admin));
    });

    afterEach(async () => {
      for (const s of servers.splice(0)) await s.close();
      await store?.cleanup();
    });

    it('malformed and forged keys are refused with 401 and change nothing', async () => {
      const real = await newKey(owner.grant);
      expect((await members(server, real.key)).statusCode).toBe(200);
      const before = await rows(server);
      const forged = [
        'rk_',
        'rk_short',
        `${real.key}A`, // one character too long
        real.key.slice(0, -1), // one too short
        `rk_${'!'.repeat(43)}`,
        `${real.prefix}${randomBytes(32)
          .toString('base64url')
          .slice(0, 43 - (real.prefix.length - 3))}`, // the real prefix, another secret
        `rk_${randomBytes(32).toString('base64url')}`,
      ];
      for (const key of forged) {
        const response = await members(server, key);
        expect(response.statusCode, key).toBe(401);
        expect(response.json<{ code: string }>().code).toBe('token_invalid');
        expect(response.headers['www-authenticate']).toMatch(/^Bearer /);
      }
      expect(await rows(server)).toEqual(before);
      // The real key still works: nothing locked it out.
      expect((await members(server, real.key)).statusCode).toBe(200);
    });

    it('a key whose owner was deleted is refused (401), and the delete took the key rows with it', async () => {
      const member = await userWithRole(server.app, admin, owner.grant, org, 'admin');
      const key = await newKey(member.grant);
      expect((await members(server, key.key)).statusCode).toBe(200);
      const erase = await as(server.app, admin, 'DELETE', `/api/v1/users/${member.id}`);
      expect(erase.statusCode, erase.body).toBe(204);
      // Refused at once, though the key was cached: the erasure dropped the owner's keys everywhere.
      expectProblem(await members(server, key.key), 'token_invalid');
      expect((await rows(server)).filter((r) => r.user_id === member.id)).toEqual([]);
    });

    it('a key of a disabled owner stops working', async () => {
      const member = await userWithRole(server.app, admin, owner.grant, org, 'admin');
      const key = await newKey(member.grant);
      expect((await members(server, key.key)).statusCode).toBe(200);
      const disable = await as(server.app, admin, 'PATCH', `/api/v1/users/${member.id}`, { disabled: true });
      expect(disable.statusCode, disable.body).toBe(200);
      expectProblem(await members(server, key.key), 'token_invalid');
      // Enabled again: the key works again (it was never revoked; its owner was).
      await as(server.app, admin, 'PATCH', `/api/v1/users/${member.id}`, { disabled: false });
      expect((await members(server, key.key)).statusCode).toBe(200);
    });

    it('scope escalation at use: a key keeps only what its creator still holds', async () => {
      const member = await userWithRole(server.app, admin, owner.grant, org, 'admin');
      const response = await as(server.app, member.grant, 'POST', '/api/v1/api-keys', {
        name: 'wide',
        scopes: ['members.read', 'members.manage'],
        org: org.id,
      });
      const key = response.json<{ key: string }>().key;
      const add = (extra: OrgUser) =>
        server.app.inject({
          method: 'POST',
          url: `/api/v1/orgs/${org.id}/members`,
          headers: { authorization: `Bearer ${key}` },
          payload: { user_id: extra.id, role: 'viewer' },
        });
      await as(server.app, owner.grant, 'PATCH', `/api/v1/orgs/${org.id}/members/${member.id}`, { role: 'operator' });
      const victim = await userWithRole(server.app, admin, owner.grant, org, 'viewer');
      const outsider = (await orgWithOwner(server.app, admin)).owner;
      expectProblem(await add(outsider), 'forbidden');
      const list = await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/members`);
      expect(list.body).not.toContain(outsider.id);
      expect(list.body).toContain(victim.id);
    });

    describe.skipIf(!redisUp)('two instances over one store and Redis', () => {
      it('a key revoked on A is refused on B within 1 s, though B had it cached', async () => {
        const env = { ...ADMIN_ENV, RAMPART_REDIS_URL: REDIS_URL };
        const a = await testServer(store, { env });
        servers.push(a);
        const b = await testServer(store, { env });
        servers.push(b);
        const grant = await login(a.app, owner.email, MEMBER_PASSWORD);
        const key = await newKey(grant, a);
        expect((await members(b, key.key)).statusCode).toBe(200); // B caches it
        const started = Date.now();
        const revoked = await as(a.app, grant, 'DELETE', `/api/v1/api-keys/${key.id}`);
        expect(revoked.statusCode).toBe(204);
        expect(await eventually(async () => (await members(b, key.key)).statusCode === 401, 1000)).toBe(true);
        expect(Date.now() - started).toBeLessThan(1000);
        expectProblem(await members(b, key.key), 'token_invalid');
      });
    });
  });
}
