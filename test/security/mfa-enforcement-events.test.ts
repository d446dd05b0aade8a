/**
 * The MFA requirement's cache and its refusals. The exploit: a member promoted to org admin keeps
 * acting without a second factor while an instance still holds its cached "need not enrol" (5 s per
 * instance) — or, across instances, until each one's cache expires. A membership change publishes
 * an `authz` event on the revocation bus; every instance drops its cached answers as soon as the
 * event arrives, so the promotion is enforced at once. And every refusal for want of a factor is
 * audited as a failure (a policy violation), with the route, and nothing the request asked happens.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import type { RevocationEvent } from '../../src/kernel/ports/revocation-bus.js';
import { backends, postgresBackend, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_ENV, login } from '../helpers/identity.js';
import { enrol } from '../helpers/mfa.js';
import { addMember, as, createOrg, createUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { postgresAvailable, REDIS_URL, redisAvailable } from '../helpers/services.js';

const REQUIRED = { ...ADMIN_ENV, RAMPART_LOGIN_RATE_LIMIT: '1000', RAMPART_MFA_REQUIRED_FOR_ADMINS: 'true' };

function get(app: FastifyInstance, url: string, token: string): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
}

for (const backend of await backends()) {
  describe(`MFA enforcement events on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let clock: FakeClock;
    let audit: MemoryAuditLog;

    beforeEach(async () => {
      store = await backend.create();
      clock = new FakeClock(Date.UTC(2026, 0, 1, 12));
      audit = new MemoryAuditLog();
      server = await testServer(store, { env: REQUIRED, clock, audit });
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('hardening 2: a refusal with mfa_enrollment_required is audited as a failure with the route, and nothing happens', async () => {
      const grant = await login(server.app);
      const created = await server.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: { authorization: `Bearer ${grant.access_token}` },
        payload: { email: 'new@example.test', password: 'a fine long password 1' },
      });
      expectProblem(created, 'mfa_enrollment_required');
      expect(await server.rampart.identity.users.findByEmail('new@example.test')).toBeUndefined();
      expect(audit.events().filter((e) => e.action === 'mfa.enrolment_required')).toEqual([
        expect.objectContaining({
          actor: { type: 'user', id: grant.user.id },
          result: 'failure',
          reason: 'mfa_enrollment_required',
          details: { route: 'POST /api/v1/users' },
          requestId: created.headers['x-request-id'],
        }),
      ]);
      expect(audit.events().some((e) => e.action === 'user.create')).toBe(false);
      // The enrolment's own routes are not refused, so not audited as refusals either.
      expect((await get(server.app, '/api/v1/me', grant.access_token)).statusCode).toBe(200);
      expect(audit.events().filter((e) => e.action === 'mfa.enrolment_required')).toHaveLength(1);
    });

    it('hardening 10: an authz event drops the cached requirement at once, before its TTL', async () => {
      const admin = await login(server.app);
      await enrol(server.app, admin.access_token, clock);
      const member = await createUser(server.app, admin);
      // Cached: a member of no org need not enrol.
      expect((await get(server.app, '/api/v1/me/sessions', member.grant.access_token)).statusCode).toBe(200);

      // Made an admin of an org behind the cache's back (the row as tenancy writes it), then the event.
      const db = server.stored.db;
      await db.insertInto('orgs').values({ id: 'org_enforced', slug: 'enforced', name: 'Enforced', created_at: clock.now() }).execute();
      await db
        .insertInto('memberships')
        .values({ org_id: 'org_enforced', user_id: member.id, role: 'admin', created_at: clock.now() })
        .execute();
      // No event yet: the cached answer stands (the clock has not moved).
      expect((await get(server.app, '/api/v1/me/sessions', member.grant.access_token)).statusCode).toBe(200);
      await server.rampart.identity.bus.publish({ kind: 'authz', id: 'org_enforced', revokedAt: clock.now() });
      expectProblem(await get(server.app, '/api/v1/me/sessions', member.grant.access_token), 'mfa_enrollment_required');
    });
  });
}

const ready = (await postgresAvailable()) && (await redisAvailable());

describe.runIf(ready)('the MFA requirement across two instances (PostgreSQL + Redis)', () => {
  let store: BackendInstance;
  let first: TestServer;
  let second: TestServer;
  const clock = new FakeClock(Date.UTC(2026, 0, 1, 12));

  /** Resolves when `server`'s bus has delivered an `authz` event for the org. */
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
    const env = { ...REQUIRED, RAMPART_REDIS_URL: REDIS_URL };
    first = await testServer(store, { env, clock });
    second = await testServer(store, { env, clock });
  });

  afterAll(async () => {
    await second?.close();
    await first?.close();
    await store?.cleanup();
  });

  it('hardening 10: a promotion to admin on the first instance is enforced on the second as soon as the event arrives', async () => {
    const admin = await login(first.app);
    await enrol(first.app, admin.access_token, clock);
    const org = await createOrg(first.app, admin);
    const member = await createUser(first.app, admin);
    await addMember(first.app, admin, org.id, member.id, 'viewer');
    // The second instance caches "need not enrol" for the viewer.
    expect((await get(second.app, '/api/v1/me/sessions', member.grant.access_token)).statusCode).toBe(200);

    const promoted = await authzEventOn(second, org.id);
    const patch = await as(first.app, admin, 'PATCH', `/api/v1/orgs/${org.id}/members/${member.id}`, { role: 'admin' });
    expect(patch.statusCode, patch.body).toBe(200);
    await promoted();
    // No sleep, no clock move: without the event the second instance would answer 200 for 5 s.
    expectProblem(await get(second.app, '/api/v1/me/sessions', member.grant.access_token), 'mfa_enrollment_required');
  });
});
