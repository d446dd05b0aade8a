/**
 * Session tombstones (docs/decisions/004-user-deletion.md) are purged once they can no longer
 * matter: after the longest access-token lifetime (plus tolerance and a minute), never before —
 * until then a fresh instance must still refuse the erased user's tokens. On every backend, with
 * the fake clock; the composition's purge runs on a timer.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqlSessionTombstones } from '../../src/identity/sessions/adapters/sql-session-tombstones.js';
import { MAX_ACCESS_TOKEN_TTL_SECONDS } from '../../src/identity/tokens/domain/access-token.js';
import { TOMBSTONE_RETAIN_MS, TombstonePurge } from '../../src/identity/sessions/services/tombstone-purge.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const PASSWORD = 'a long and unusual passphrase 7';

for (const backend of await backends()) {
  describe(`session tombstone purge on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let clock: FakeClock;
    let admin: Grant;

    const tombstones = () => server.stored.db.selectFrom('session_tombstones').selectAll().orderBy('revoked_at').execute();

    /** Creates a user, logs them in (one session), erases them: one tombstone, revoked now. */
    async function eraseUserWithSession(email: string): Promise<string> {
      const headers = { authorization: `Bearer ${admin.access_token}` };
      const created = await server.app.inject({ method: 'POST', url: '/api/v1/users', headers, payload: { email, password: PASSWORD } });
      expect(created.statusCode, created.body).toBe(201);
      const grant = await login(server.app, email, PASSWORD);
      const erased = await server.app.inject({ method: 'DELETE', url: `/api/v1/users/${grant.user.id}`, headers });
      expect(erased.statusCode, erased.body).toBe(204);
      return grant.session_id;
    }

    beforeEach(async () => {
      store = await backend.create();
      clock = new FakeClock(Date.now());
      server = await testServer(store, { env: ADMIN_ENV, clock });
      admin = await login(server.app);
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('keeps a tombstone for longer than any access token lives, then purges it, and only it', async () => {
      expect(TOMBSTONE_RETAIN_MS).toBeGreaterThan(MAX_ACCESS_TOKEN_TTL_SECONDS * 1000);
      const first = await eraseUserWithSession('bob@example.test');
      clock.advance(5 * 60_000);
      admin = await login(server.app); // the admin's token would expire meanwhile otherwise
      const second = await eraseUserWithSession('carol@example.test');
      expect((await tombstones()).map((row) => row.session_id)).toEqual([first, second]);

      const purge = server.rampart.identity.tombstonePurge;
      // One second short of the retention of the first: nothing goes, a fresh instance would still refuse it.
      clock.advance(TOMBSTONE_RETAIN_MS - 5 * 60_000 - 1000);
      expect(await purge.purgeOnce()).toBe(0);
      expect(await tombstones()).toHaveLength(2);
      // Past it: the first goes, the second (erased five minutes later) stays.
      clock.advance(2000);
      expect(await purge.purgeOnce()).toBe(1);
      expect((await tombstones()).map((row) => row.session_id)).toEqual([second]);
      clock.advance(5 * 60_000);
      expect(await purge.purgeOnce()).toBe(1);
      expect(await tombstones()).toHaveLength(0);
    });

    it('runs on its timer, and a failed run is reported rather than thrown', async () => {
      await eraseUserWithSession('dave@example.test');
      clock.advance(TOMBSTONE_RETAIN_MS + 1000);
      const errors: unknown[] = [];
      const purge = new TombstonePurge({
        tombstones: new SqlSessionTombstones(server.stored.db),
        clock,
        onError: (error) => errors.push(error),
        intervalMs: 20,
      });
      purge.start();
      try {
        const deadline = Date.now() + 5000;
        while ((await tombstones()).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        expect(await tombstones()).toHaveLength(0);
        expect(errors).toEqual([]);
      } finally {
        purge.stop();
      }
      const failing = new TombstonePurge({
        tombstones: { purgeRevokedBefore: () => Promise.reject(new Error('store down')) },
        clock,
        onError: (error) => errors.push(error),
        intervalMs: 10,
      });
      failing.start();
      await new Promise((resolve) => setTimeout(resolve, 100));
      failing.stop();
      expect(errors.length).toBeGreaterThan(0);
      expect(errors[0]).toMatchObject({ message: 'store down' });
    });
  });
}
