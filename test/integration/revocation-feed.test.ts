/**
 * GET /api/v1/revocations/stream through a real listening server on every backend (issue 21 item 3):
 * a watcher (a service client holding `sessions.watch`) receives its org members' revocations and
 * its org's authz changes, nothing of another org; resumes with Last-Event-ID after a disconnect;
 * gets `resync` for a position the sequence no longer holds; sees heartbeats; is refused without
 * the permission or as a user; and its stream ends cleanly when the server shuts down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, createUser, orgWithOwner, type OrgBody, type OrgUser, inviteMember } from '../helpers/orgs.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { clientToken, eventually, openFeed, registerClient, type WatchClient } from '../helpers/revocation-feed.js';

for (const backend of await backends()) {
  describe(`revocation feed on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let base: string;
    let admin: Grant;
    let org: OrgBody;
    let owner: OrgUser;
    let other: { org: OrgBody; owner: OrgUser };
    let watcher: WatchClient;

    beforeAll(async () => {
      store = await backend.create();
      server = await testServer(store, { env: { ...ADMIN_ENV, RAMPART_REVOCATION_HEARTBEAT: '1' } });
      await server.app.listen({ port: 0, host: '127.0.0.1' });
      const address = server.app.server.address();
      base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
      admin = await login(server.app);
      ({ org, owner } = await orgWithOwner(server.app, admin));
      other = await orgWithOwner(server.app, admin);
      watcher = await registerClient(server.app, owner.grant, org.id, ['sessions.watch']);
    });

    afterAll(async () => {
      await server?.close();
      await store?.cleanup();
    });

    async function member(role = 'viewer'): Promise<OrgUser> {
      const user = await createUser(server.app, admin);
      await inviteMember(server.app, owner.grant, org.id, user, role);
      return user;
    }

    it('adoption 3: a watcher gets its members’ revocations and its org’s authz changes, nothing of another org', async () => {
      const feed = await openFeed(base, await clientToken(server.app, watcher));
      expect(feed.status).toBe(200);
      await feed.next('ready');
      const alice = await member();
      const stranger = await login(server.app, other.owner.email, 'a member passphrase nobody guesses 9');
      expect((await as(server.app, stranger, 'POST', '/api/v1/auth/logout')).statusCode).toBe(204);
      expect((await as(server.app, alice.grant, 'POST', '/api/v1/auth/logout')).statusCode).toBe(204);
      const revoked = await feed.next('revocation');
      expect(revoked.data).toEqual({ sid: alice.grant.session_id, at: expect.any(String) as string });
      expect(Number(revoked.id)).toBeGreaterThan(0);
      // Delivered in sequence order: the stranger's earlier revocation would have come first.
      const sids = feed.events.filter((e) => e.event === 'revocation').map((e) => (JSON.parse(e.data) as { sid: string }).sid);
      expect(sids).not.toContain(stranger.session_id);
      const patched = await as(server.app, owner.grant, 'PATCH', `/api/v1/orgs/${org.id}/members/${alice.id}`, { role: 'operator' });
      expect(patched.statusCode, patched.body).toBe(200);
      expect((await feed.next('authz', (d) => d.org === org.id)).data).toMatchObject({ org: org.id });
      await as(server.app, other.owner.grant, 'POST', `/api/v1/orgs/${other.org.id}/members`, { email: 'x@example.test', role: 'viewer' });
      expect(feed.events.some((e) => e.event === 'authz' && e.data.includes(other.org.id))).toBe(false);
      feed.close();
    });

    it('adoption 3: Last-Event-ID resumes after a disconnect with what was missed', async () => {
      const token = await clientToken(server.app, watcher);
      const first = await openFeed(base, token);
      const ready = await first.next('ready');
      first.close();
      const bob = await member();
      expect((await as(server.app, bob.grant, 'POST', '/api/v1/auth/logout')).statusCode).toBe(204);
      const resumed = await openFeed(base, token, ready.id);
      const missed = await resumed.next('revocation', (d) => d.sid === bob.grant.session_id);
      expect(Number(missed.id)).toBeGreaterThan(Number(ready.id));
      resumed.close();
    });

    it('adoption 3: a position the sequence no longer holds gets resync; heartbeats keep the stream visibly live', async () => {
      const carol = await member();
      expect((await as(server.app, carol.grant, 'POST', '/api/v1/auth/logout')).statusCode).toBe(204);
      const head = await server.stored.db
        .selectFrom('revocation_sequence')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .executeTakeFirstOrThrow();
      // As the purge does: everything but the newest position goes.
      await server.stored.db.deleteFrom('revocation_sequence').where('seq', '<', Number(head.seq)).execute();
      const feed = await openFeed(base, await clientToken(server.app, watcher), '1');
      expect((await feed.next('resync')).data).toEqual({ reason: 'position_expired', at: null });
      const before = feed.heartbeats();
      await eventually(() => feed.heartbeats() > before + 1, 5000, 'two heartbeats');
      feed.close();
    });

    it('adoption 3: only a service client holding sessions.watch may watch (a user, or a client without it: 403)', async () => {
      const user = await fetch(`${base}/api/v1/revocations/stream`, { headers: { authorization: `Bearer ${owner.grant.access_token}` } });
      expect(user.status).toBe(403);
      const plain = await registerClient(server.app, owner.grant, org.id, ['members.read']);
      const refused = await fetch(`${base}/api/v1/revocations/stream`, {
        headers: { authorization: `Bearer ${await clientToken(server.app, plain)}` },
      });
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { code: string }).code).toBe('forbidden');
      const bad = await fetch(`${base}/api/v1/revocations/stream`, {
        headers: { authorization: `Bearer ${await clientToken(server.app, watcher)}`, 'last-event-id': 'x1' },
      });
      expect(bad.status).toBe(400);
    });

    it('adoption 3: the stream ends cleanly when the server shuts down', async () => {
      const feed = await openFeed(base, await clientToken(server.app, watcher));
      await feed.next('ready');
      await server.app.close();
      await eventually(() => feed.ended(), 5000, 'the stream to end');
    });
  });
}
