/**
 * Refresh-token theft. The exploit: an attacker copies a victim's refresh token (a leaked log, a
 * stolen device backup) and uses it — or the victim uses it after the attacker already did. Either
 * way a spent token is presented a second time; RFC 9700 §4.14.2 says the server then revokes the
 * whole session, so the thief's fresh tokens die with the victim's.
 *
 * Documented outcome of a race (docs/decisions/003-identity-core.md): two concurrent refreshes of
 * the same token with RAMPART_REFRESH_REUSE_GRACE=0 — exactly one rotation wins in the store, the
 * other presents a spent token and is treated as reuse: it gets 401 `session_revoked` and the
 * session ends revoked (the winner's new tokens die with it). With a grace of 30 s, both get the
 * same successor refresh token and the session lives.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { hashRefreshToken } from '../../src/identity/tokens/crypto/refresh-token.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_ENV, login, me, refreshRequest, type Grant } from '../helpers/identity.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

for (const backend of await backends()) {
  describe(`refresh-token reuse on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let audit: MemoryAuditLog;
    let clock: FakeClock;

    async function start(env: Record<string, string> = {}): Promise<void> {
      audit = new MemoryAuditLog();
      clock = new FakeClock(Date.now());
      server = await testServer(store, { env: { ...ADMIN_ENV, ...env }, audit, clock });
    }

    beforeEach(async () => {
      store = await backend.create();
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('a replayed spent refresh token revokes the whole session and every access token of it', async () => {
      await start();
      const stolen = await login(server.app);
      const rotated = (await refreshRequest(server.app, stolen.refresh_token)).json<Grant>();
      expect((await me(server.app, rotated.access_token)).statusCode).toBe(200);

      // The thief replays the token the victim already spent.
      expectProblem(await refreshRequest(server.app, stolen.refresh_token), 'session_revoked');

      // State afterwards: the session is revoked, and neither party's tokens work.
      expect((await server.rampart.identity.sessions.find(stolen.session_id))?.revokeReason).toBe('refresh_reuse');
      expectProblem(await me(server.app, rotated.access_token), 'session_revoked');
      expectProblem(await me(server.app, stolen.access_token), 'session_revoked');
      expectProblem(await refreshRequest(server.app, rotated.refresh_token), 'session_revoked');
      const theft = audit.events().filter((event) => event.action === 'auth.refresh_reuse');
      expect(theft).toHaveLength(1);
      expect(theft[0]).toMatchObject({ resource: stolen.session_id, result: 'failure' });
      expect(JSON.stringify(audit.events())).not.toContain(stolen.refresh_token);
    });

    it('with grace 0, two concurrent refreshes: exactly one succeeds, the other is reuse, and the session ends revoked', async () => {
      await start();
      const grant = await login(server.app);
      const answers = await Promise.all([refreshRequest(server.app, grant.refresh_token), refreshRequest(server.app, grant.refresh_token)]);
      expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 401]);
      const loser = answers.find((a) => a.statusCode === 401);
      expectProblem(loser!, 'session_revoked');
      const winner = answers.find((a) => a.statusCode === 200)!.json<Grant>();
      expect((await server.rampart.identity.sessions.find(grant.session_id))?.revokedAt).not.toBeNull();
      expectProblem(await me(server.app, winner.access_token), 'session_revoked');
      expectProblem(await refreshRequest(server.app, winner.refresh_token), 'session_revoked');
    });

    it('with grace 30 s, two concurrent refreshes both get the same successor refresh token and the session lives', async () => {
      await start({ RAMPART_REFRESH_REUSE_GRACE: '30' });
      const grant = await login(server.app);
      const answers = await Promise.all([refreshRequest(server.app, grant.refresh_token), refreshRequest(server.app, grant.refresh_token)]);
      expect(answers.map((a) => a.statusCode)).toEqual([200, 200]);
      const [a, b] = answers.map((answer) => answer.json<Grant>());
      expect(a!.refresh_token).toBe(b!.refresh_token);
      expect(a!.access_token).not.toBe(b!.access_token);
      expect((await server.rampart.identity.sessions.find(grant.session_id))?.revokedAt).toBeNull();
      expect((await me(server.app, a!.access_token)).statusCode).toBe(200);
      expect((await me(server.app, b!.access_token)).statusCode).toBe(200);
      // The successor is stored only as its hash.
      expect(await server.rampart.identity.sessions.findRefreshToken(hashRefreshToken(a!.refresh_token))).toMatchObject({ spentAt: null });
      const next = await refreshRequest(server.app, a!.refresh_token);
      expect(next.statusCode).toBe(200);
    });

    it('the grace ends: a replay 31 s after the rotation revokes the session', async () => {
      await start({ RAMPART_REFRESH_REUSE_GRACE: '30' });
      const grant = await login(server.app);
      expect((await refreshRequest(server.app, grant.refresh_token)).statusCode).toBe(200);
      clock.advance(31_000);
      expectProblem(await refreshRequest(server.app, grant.refresh_token), 'session_revoked');
      expect((await server.rampart.identity.sessions.find(grant.session_id))?.revokeReason).toBe('refresh_reuse');
    });

    it('inside the grace, a replay after the successor was itself used is reuse, not a race', async () => {
      await start({ RAMPART_REFRESH_REUSE_GRACE: '30' });
      const grant = await login(server.app);
      const second = (await refreshRequest(server.app, grant.refresh_token)).json<Grant>();
      expect((await refreshRequest(server.app, second.refresh_token)).statusCode).toBe(200);
      expectProblem(await refreshRequest(server.app, grant.refresh_token), 'session_revoked');
      expect((await server.rampart.identity.sessions.find(grant.session_id))?.revokedAt).not.toBeNull();
    });
  });
}
