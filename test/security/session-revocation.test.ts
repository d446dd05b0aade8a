/**
 * Revocation that does not take effect. The exploit: a user logs out (or an admin disables a
 * compromised account), but the stolen access token keeps working until it expires — up to 15
 * minutes — because the server trusts the signature alone, or because only the instance that
 * handled the logout knows. Rampart checks every bearer request against an in-memory set of
 * revoked sessions that the revocation bus keeps current on every instance (Redis pub/sub).
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, me } from '../helpers/identity.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { REDIS_URL, redisAvailable } from '../helpers/services.js';

const redisUp = await redisAvailable();

/** Polls `check` until it holds or `limitMs` has passed; resolves with whether it held. */
async function eventually(check: () => Promise<boolean>, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

for (const backend of await backends()) {
  describe(`session revocation on ${backend.name}`, () => {
    let store: BackendInstance;
    const servers: TestServer[] = [];

    beforeEach(async () => {
      store = await backend.create();
    });

    afterEach(async () => {
      for (const server of servers.splice(0)) await server.close();
      await store?.cleanup();
    });

    it('after logout the access token is refused with session_revoked at once (no Redis)', async () => {
      const server = await testServer(store, { env: ADMIN_ENV });
      servers.push(server);
      const grant = await login(server.app);
      expect((await me(server.app, grant.access_token)).statusCode).toBe(200);
      const out = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/logout',
        headers: { authorization: `Bearer ${grant.access_token}` },
      });
      expect(out.statusCode).toBe(204);
      expectProblem(await me(server.app, grant.access_token), 'session_revoked');
      expect((await server.rampart.identity.sessions.find(grant.session_id))?.revokedAt).not.toBeNull();
    });

    it('a restarted instance still refuses a session revoked before it started (seeded from the store)', async () => {
      const first = await testServer(store, { env: ADMIN_ENV });
      servers.push(first);
      const grant = await login(first.app);
      await first.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { authorization: `Bearer ${grant.access_token}` } });
      const second = await testServer(store, { env: ADMIN_ENV });
      servers.push(second);
      expectProblem(await me(second.app, grant.access_token), 'session_revoked');
    });

    describe.skipIf(!redisUp)('two instances over one store and Redis', () => {
      it('revoked on A, refused on B within 1 s, without B reading the database per request', async () => {
        const channelEnv = { ...ADMIN_ENV, RAMPART_REDIS_URL: REDIS_URL };
        const a = await testServer(store, { env: channelEnv });
        servers.push(a);
        const b = await testServer(store, { env: channelEnv });
        servers.push(b);
        const grant = await login(a.app);
        expect((await me(b.app, grant.access_token)).statusCode).toBe(200);

        await a.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { authorization: `Bearer ${grant.access_token}` } });
        const refused = await eventually(async () => (await me(b.app, grant.access_token)).statusCode === 401, 1000);
        expect(refused).toBe(true);
        expectProblem(await me(b.app, grant.access_token), 'session_revoked');
        // B learnt it from the bus: its in-memory set holds the session.
        expect(b.rampart.identity.revocations.isRevoked(grant.session_id)).toBe(true);
      });

      it('disabling a user on A refuses their token on B within 1 s', async () => {
        const env = { ...ADMIN_ENV, RAMPART_REDIS_URL: REDIS_URL };
        const a = await testServer(store, { env });
        servers.push(a);
        const b = await testServer(store, { env });
        servers.push(b);
        const grant = await login(b.app);
        await a.rampart.identity.userStatus.setStatus(grant.user.id, 'disabled');
        expect(await eventually(async () => (await me(b.app, grant.access_token)).statusCode === 401, 1000)).toBe(true);
        expectProblem(await me(b.app, grant.access_token), 'session_revoked');
      });
    });
  });
}

describe.skipIf(!redisUp)('brute force across instances', () => {
  let store: BackendInstance;
  const servers: TestServer[] = [];

  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
    await store?.cleanup();
  });

  it('password guessing spread over two instances hits 429 after RAMPART_LOGIN_RATE_LIMIT attempts in all, shared through Redis', async () => {
    // The exploit: an attacker spreads guesses over every instance behind the load balancer to
    // multiply a per-instance budget. The counters live in Redis, so the budget is one.
    store = await (await backends())[0]!.create();
    const email = `victim-${randomBytes(6).toString('hex')}@example.test`;
    const env = { ...ADMIN_ENV, RAMPART_BOOTSTRAP_ADMIN_EMAIL: email, RAMPART_REDIS_URL: REDIS_URL, RAMPART_LOGIN_RATE_LIMIT: '4' };
    const a = await testServer(store, { env });
    servers.push(a);
    const b = await testServer(store, { env });
    servers.push(b);
    const ip = `198.51.100.${randomBytes(1)[0]! % 250}`;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const app = i % 2 === 0 ? a.app : b.app;
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: ip,
        payload: { email, password: `guess number ${i}` },
      });
      statuses.push(response.statusCode);
      if (response.statusCode === 429) {
        expectProblem(response, 'rate_limited');
        expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    // State afterwards: only the 4 attempts that ran were counted against the account.
    expect((await a.rampart.identity.users.findByEmail(email))?.failedLogins).toBe(4);
  });
});
