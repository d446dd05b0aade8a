/**
 * `GET /api/v1/me` serves the caller's row from memory when nothing changed (issue 20 item 2), and
 * a change shows everywhere within a second: two instances share PostgreSQL and Redis; the first
 * changes or disables a user, the second — which has the user's row cached — follows as soon as
 * the `user` event arrives on its revocation bus. A change nobody published (a row written behind
 * Rampart's back) still shows within the cache's one-second bound.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLER_MAX_AGE_MS } from '../../src/identity/accounts/adapters/cached-current-user-reader.js';
import type { RevocationEvent } from '../../src/kernel/ports/revocation-bus.js';
import { postgresBackend, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, me, type Grant } from '../helpers/identity.js';
import { as, orgWithOwner, userWithRole, type OrgUser } from '../helpers/orgs.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { postgresAvailable, REDIS_URL, redisAvailable } from '../helpers/services.js';

const ready = (await postgresAvailable()) && (await redisAvailable());
if (!ready && process.env.CI === 'true') throw new Error('caller-cache.test.ts needs PostgreSQL and Redis under CI');

/** Polls `check` until it holds or `ms` have passed; returns how long it took (ms), or Infinity. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (Date.now() - start <= ms) {
    if (await check()) return Date.now() - start;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return Number.POSITIVE_INFINITY;
}

describe.runIf(ready)('the cached caller across two instances (PostgreSQL + Redis)', () => {
  let store: BackendInstance;
  let first: TestServer;
  let second: TestServer;
  let admin: Grant;
  let member: OrgUser;

  /** Resolves once `server`'s bus has delivered a `user` event for `userId`. */
  async function userEventOn(server: TestServer, userId: string): Promise<() => Promise<void>> {
    let seen!: () => void;
    const arrived = new Promise<void>((resolve) => (seen = resolve));
    const subscription = await server.rampart.identity.bus.subscribe({
      onRevoked: (event: RevocationEvent) => {
        if (event.kind === 'user' && event.id === userId) seen();
      },
      onResync: () => undefined,
    });
    return async () => {
      await arrived;
      await subscription.unsubscribe();
    };
  }

  const nameOn = async (server: TestServer): Promise<unknown> =>
    (await me(server.app, member.grant.access_token)).json<{ user: { name: unknown } }>().user.name;

  beforeAll(async () => {
    store = await postgresBackend.create();
    // The tests poll /me as fast as the instances answer: the shared per-caller limit is not what they test.
    const env = { ...ADMIN_ENV, RAMPART_REDIS_URL: REDIS_URL, RAMPART_RATE_LIMIT: '100000' };
    first = await testServer(store, { env });
    second = await testServer(store, { env });
    admin = await login(first.app);
    const { org, owner } = await orgWithOwner(first.app, admin);
    member = await userWithRole(first.app, admin, owner.grant, org, 'viewer');
  });

  afterAll(async () => {
    await second?.close();
    await first?.close();
    await store?.cleanup();
  });

  it('perf 2: a row changed behind the server is served from memory, then read anew within a second', async () => {
    expect((await me(second.app, member.grant.access_token)).statusCode).toBe(200);
    await first.stored.db.updateTable('users').set({ name: 'Written Directly' }).where('id', '=', member.id).execute();
    // Cached: no round trip, so the old row still answers right after the write.
    expect(await nameOn(second)).not.toBe('Written Directly');
    expect(await within(CALLER_MAX_AGE_MS + 500, async () => (await nameOn(second)) === 'Written Directly')).toBeLessThanOrEqual(
      CALLER_MAX_AGE_MS + 500,
    );
  });

  it('perf 2: a change on the first instance shows there at once, and on the second as soon as the user event arrives', async () => {
    expect(await nameOn(second)).toBe('Written Directly');
    const event = await userEventOn(second, member.id);
    const patch = await as(first.app, admin, 'PATCH', `/api/v1/users/${member.id}`, { name: 'Renamed Member' });
    expect(patch.statusCode, patch.body).toBe(200);
    expect(await nameOn(first)).toBe('Renamed Member');
    await event();
    expect(await nameOn(second)).toBe('Renamed Member');
  });

  it('perf 2: a user disabled on the first instance is refused by the second within a second', async () => {
    expect((await me(second.app, member.grant.access_token)).statusCode).toBe(200);
    const patch = await as(first.app, admin, 'PATCH', `/api/v1/users/${member.id}`, { disabled: true });
    expect(patch.statusCode, patch.body).toBe(200);
    const took = await within(1000, async () => (await me(second.app, member.grant.access_token)).statusCode === 401);
    expect(took).toBeLessThanOrEqual(1000);
    // Refused from then on, on both instances.
    expect((await me(first.app, member.grant.access_token)).statusCode).toBe(401);
    expect((await me(second.app, member.grant.access_token)).statusCode).toBe(401);
  });
});
