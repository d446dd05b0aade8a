/**
 * MFA enforcement: platform admins and org owners/admins must have a second
 * factor unless RAMPART_MFA_REQUIRED_FOR_ADMINS=false. The attack it closes: a phished admin
 * password alone opens the whole platform. Until they enrol, such users get 403
 * `mfa_enrollment_required` everywhere except the routes that let them enrol (and `/me`, logout,
 * the password change), and nothing they attempt elsewhere happens.
 *
 * The test helpers' default turns the requirement off (test/helpers/rampart.ts); every server
 * here sets it explicitly.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { cookieLogin, ORIGIN } from '../helpers/browser.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_ENV, login } from '../helpers/identity.js';
import { confirmTotp, enrol, startTotp, totpCode } from '../helpers/mfa.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const REQUIRED = { ...ADMIN_ENV, RAMPART_LOGIN_RATE_LIMIT: '1000', RAMPART_MFA_REQUIRED_FOR_ADMINS: 'true' };

function get(app: FastifyInstance, url: string, token: string): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
}

it('RAMPART_MFA_REQUIRED_FOR_ADMINS defaults to true', () => {
  expect(loadConfig({ env: {} }).mfaRequiredForAdmins).toBe(true);
  expect(loadConfig({ env: { RAMPART_MFA_REQUIRED_FOR_ADMINS: 'false' } }).mfaRequiredForAdmins).toBe(false);
});

for (const backend of await backends()) {
  describe(`MFA enforcement on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let clock: FakeClock;

    beforeEach(async () => {
      store = await backend.create();
      clock = new FakeClock(Date.UTC(2026, 0, 1, 12));
      server = await testServer(store, { env: REQUIRED, clock });
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('an admin without a second factor gets mfa_enrollment_required on admin routes, and the attempted change does not happen', async () => {
      const grant = await login(server.app);
      expectProblem(await get(server.app, '/api/v1/users', grant.access_token), 'mfa_enrollment_required');
      expectProblem(await get(server.app, '/api/v1/me/sessions', grant.access_token), 'mfa_enrollment_required');
      const created = await server.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: { authorization: `Bearer ${grant.access_token}` },
        payload: { email: 'new@example.test', password: 'a fine long password 1' },
      });
      expectProblem(created, 'mfa_enrollment_required');
      expect(await server.rampart.identity.users.findByEmail('new@example.test')).toBeUndefined();
    });

    it('the enrolment routes, /me and logout stay open; after enrolling, the admin routes answer', async () => {
      const grant = await login(server.app);
      expect((await get(server.app, '/api/v1/me', grant.access_token)).statusCode).toBe(200);
      const started = await startTotp(server.app, grant.access_token);
      expect(started.statusCode, started.body).toBe(200);
      const { secret } = started.json<{ secret: string }>();
      expectProblem(await get(server.app, '/api/v1/users', grant.access_token), 'mfa_enrollment_required');
      const confirmed = await confirmTotp(server.app, grant.access_token, totpCode(secret, clock.now()));
      expect(confirmed.statusCode, confirmed.body).toBe(200);
      // This instance forgets its cached answer at once.
      expect((await get(server.app, '/api/v1/users', grant.access_token)).statusCode).toBe(200);
      const out = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/logout',
        headers: { authorization: `Bearer ${grant.access_token}` },
      });
      expect(out.statusCode).toBe(204);
    });

    it('removing the second factor puts the admin back behind the requirement', async () => {
      const grant = await login(server.app);
      const enrolled = await enrol(server.app, grant.access_token, clock);
      expect((await get(server.app, '/api/v1/users', grant.access_token)).statusCode).toBe(200);
      const removed = await server.app.inject({
        method: 'DELETE',
        url: '/api/v1/me/mfa/totp',
        headers: { authorization: `Bearer ${grant.access_token}` },
        payload: { code: totpCode(enrolled.secret, clock.now()) },
      });
      expect(removed.statusCode, removed.body).toBe(204);
      expectProblem(await get(server.app, '/api/v1/users', grant.access_token), 'mfa_enrollment_required');
    });

    it('a cookie-authenticated admin is held the same way', async () => {
      const browser = await cookieLogin(server.app);
      expectProblem(
        await server.app.inject({ method: 'GET', url: '/api/v1/users', headers: { cookie: browser.cookie, origin: ORIGIN } }),
        'mfa_enrollment_required',
      );
      expect((await server.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: browser.cookie } })).statusCode).toBe(200);
    });

    it('a user without an admin role is not held; an org admin role (membership) is', async () => {
      const admin = await login(server.app);
      await enrol(server.app, admin.access_token, clock);
      const created = await server.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: { authorization: `Bearer ${admin.access_token}` },
        payload: { email: 'member@example.test', password: 'a fine long password 1' },
      });
      expect(created.statusCode, created.body).toBe(201);
      const member = await login(server.app, 'member@example.test', 'a fine long password 1');
      expect((await get(server.app, '/api/v1/me/sessions', member.access_token)).statusCode).toBe(200);

      // Made an admin of an org (a membership row, as the tenancy service writes it).
      const db = server.stored.db;
      await db.insertInto('orgs').values({ id: 'org_enforced', slug: 'enforced', name: 'Enforced', created_at: clock.now() }).execute();
      await db
        .insertInto('memberships')
        .values({ org_id: 'org_enforced', user_id: member.user.id, role: 'admin', created_at: clock.now() })
        .execute();
      server.rampart.identity.mfaEnforcement.forget(member.user.id);
      expectProblem(await get(server.app, '/api/v1/me/sessions', member.access_token), 'mfa_enrollment_required');
    });

    it('with RAMPART_MFA_REQUIRED_FOR_ADMINS=false an admin without MFA is not held', async () => {
      const relaxed = await testServer(store, { env: { ...REQUIRED, RAMPART_MFA_REQUIRED_FOR_ADMINS: 'false' }, clock });
      try {
        const grant = await login(relaxed.app);
        expect((await get(relaxed.app, '/api/v1/users', grant.access_token)).statusCode).toBe(200);
      } finally {
        await relaxed.close();
      }
    });
  });
}
