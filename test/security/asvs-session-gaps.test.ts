/**
 * Issue 23, "Code gaps to close": the attacks each gap left open, on SQLite and PostgreSQL, each
 * checked for the refusal and for the state afterwards.
 * - asvs 1 (V7.3.2, V10.4.8): a stolen refresh token kept alive by refreshing forever; now a token
 *   session ends at its absolute lifetime and after its idle timeout, and every answer says when.
 * - asvs 3 (V6.3.3): a custom role holding a sensitive permission acting with a password alone.
 * - asvs 4 (V7.4.3): a session opened by whoever forced a factor change outliving it.
 * - asvs 5 (V7.4.5): no way to end every session of an org or of the deployment after a leak;
 *   across two instances in test/security/asvs-kill-switch-instances.test.ts.
 * - asvs 6 (V6.4.1): the bootstrap password used for ever.
 * - asvs 7 (V6.2.11): passwords built from the product, the host or the user's own email.
 * (asvs 2, V4.1.2, the plain-HTTP listener: test/security/tls.test.ts.)
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, login, me, refreshRequest, type Grant } from '../helpers/identity.js';
import { confirmTotp, disableTotp, enrol, startTotp, STEP_MS, totpCode } from '../helpers/mfa.js';
import {
  addMember,
  as,
  createOrg,
  createUser,
  MEMBER_PASSWORD,
  orgWithOwner,
  userWithRole,
  type OrgBody,
  type OrgUser,
} from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const ENV = { ...ADMIN_ENV, RAMPART_LOGIN_RATE_LIMIT: '1000', RAMPART_LOGIN_ACCOUNT_LIMIT: '1000' };
const DAY_MS = 86_400_000;
const NEW_ADMIN_PASSWORD = 'a brand new passphrase, long 77';

interface SessionGrant extends Grant {
  readonly session_expires_at?: string;
}

async function refreshed(app: FastifyInstance, token: string): Promise<LightMyRequestResponse> {
  return refreshRequest(app, token);
}

for (const backend of await backends()) {
  describe(`asvs session gaps on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let clock: FakeClock;
    let audit: MemoryAuditLog;

    async function start(env: Record<string, string> = {}, options: { keepPasswordChange?: boolean; sensitive?: boolean } = {}) {
      store = await backend.create();
      clock = new FakeClock(Date.UTC(2026, 0, 1, 12));
      audit = new MemoryAuditLog();
      server = await testServer(store, {
        env: { ...ENV, ...env },
        clock,
        audit,
        ...(options.keepPasswordChange === true ? { keepPasswordChange: true } : {}),
        ...(options.sensitive === true ? { permissions: [{ name: 'vm.export', sensitive: true }, { name: 'vm.read' }] } : {}),
      });
    }

    beforeEach(() => {
      store = undefined as unknown as BackendInstance;
      server = undefined as unknown as TestServer;
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    /** The live sessions row count of a user, read past any cache. */
    async function liveSessions(userId: string): Promise<number> {
      const rows = await server.stored.db
        .selectFrom('sessions')
        .select('id')
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', clock.now())
        .execute();
      return rows.length;
    }

    describe('asvs 1: token sessions end', () => {
      it('asvs 1 (V7.3.2, V10.4.8): a token session refreshed every 6 days ends 30 days after login (RAMPART_TOKEN_SESSION_ABSOLUTE_TIMEOUT), and every answer says when', async () => {
        await start();
        const loggedIn = (await login(server.app)) as SessionGrant;
        const end = clock.now() + 30 * DAY_MS;
        expect(loggedIn.session_expires_at).toBe(new Date(end).toISOString());
        let token = loggedIn.refresh_token;
        for (let day = 6; day < 30; day += 6) {
          clock.advance(6 * DAY_MS);
          const answer = await refreshed(server.app, token);
          expect(answer.statusCode, answer.body).toBe(200);
          const grant = answer.json<SessionGrant>();
          // The refresh never moves the end.
          expect(grant.session_expires_at).toBe(new Date(end).toISOString());
          token = grant.refresh_token;
          const row = await server.stored.db
            .selectFrom('sessions')
            .selectAll()
            .where('id', '=', loggedIn.session_id)
            .executeTakeFirstOrThrow();
          expect(Number(row.expires_at)).toBeLessThanOrEqual(end);
          expect(Number(row.absolute_expires_at)).toBe(end);
        }
        clock.advance(6 * DAY_MS); // day 30 + 0: past the absolute end
        const refused = await refreshed(server.app, token);
        expect(refused.statusCode, refused.body).toBe(401);
        expect(['session_revoked', 'token_expired']).toContain(refused.json<{ code: string }>().code);
        // Nothing was rotated: the presented token is still the last unspent one of its chain.
        const unspent = await server.stored.db
          .selectFrom('refresh_tokens')
          .select('token_hash')
          .where('session_id', '=', loggedIn.session_id)
          .where('spent_at', 'is', null)
          .execute();
        expect(unspent).toHaveLength(1);
      });

      it('asvs 1 (V7.3.2): a token session not refreshed for RAMPART_TOKEN_SESSION_IDLE_TIMEOUT ends; a shorter absolute timeout caps the first refresh token too', async () => {
        await start({ RAMPART_TOKEN_SESSION_IDLE_TIMEOUT: '3600', RAMPART_TOKEN_SESSION_ABSOLUTE_TIMEOUT: '7200' });
        const grant = (await login(server.app)) as SessionGrant;
        expect(grant.session_expires_at).toBe(new Date(clock.now() + 7_200_000).toISOString());
        clock.advance(3_000_000);
        const first = await refreshed(server.app, grant.refresh_token);
        expect(first.statusCode, first.body).toBe(200);
        clock.advance(3_601_000); // idle past the timeout
        const idle = await refreshed(server.app, first.json<Grant>().refresh_token);
        expect(idle.statusCode, idle.body).toBe(401);
      });

      it('asvs 1 (V10.4.8): the idle timeout may not exceed the refresh-token lifetime (the start fails naming the variable)', async () => {
        const { testConfig } = await import('../helpers/rampart.js');
        expect(() => testConfig({ env: {} }, { RAMPART_TOKEN_SESSION_IDLE_TIMEOUT: '999999' })).toThrow(
          /RAMPART_TOKEN_SESSION_IDLE_TIMEOUT/,
        );
      });
    });

    describe('asvs 6: the bootstrap password must change', () => {
      it('asvs 6 (V6.4.1): the bootstrap admin gets 403 password_change_required on everything but /me, the change, logout and step-up; the change lifts it', async () => {
        await start({}, { keepPasswordChange: true });
        const admin = await login(server.app);
        expect((await me(server.app, admin.access_token)).statusCode).toBe(200);
        expectProblem(await as(server.app, admin, 'GET', '/api/v1/users'), 'password_change_required');
        const orgs = await server.stored.db.selectFrom('orgs').select('id').execute();
        expectProblem(
          await as(server.app, admin, 'POST', '/api/v1/orgs', { name: 'Early', slug: 'early-org' }),
          'password_change_required',
        );
        // Nothing happened: no org was created.
        expect(await server.stored.db.selectFrom('orgs').select('id').execute()).toHaveLength(orgs.length);
        // The same password again is no change.
        const same = await as(server.app, admin, 'POST', '/api/v1/me/password', {
          current_password: ADMIN_PASSWORD,
          new_password: ADMIN_PASSWORD,
        });
        expect(same.statusCode, same.body).toBe(400);
        expectProblem(await as(server.app, admin, 'GET', '/api/v1/users'), 'password_change_required');
        const changed = await as(server.app, admin, 'POST', '/api/v1/me/password', {
          current_password: ADMIN_PASSWORD,
          new_password: NEW_ADMIN_PASSWORD,
        });
        expect(changed.statusCode, changed.body).toBe(204);
        expect((await as(server.app, admin, 'GET', '/api/v1/users')).statusCode).toBe(200);
        const row = await server.stored.db
          .selectFrom('users')
          .select('password_change_required_at')
          .where('email', '=', ADMIN_EMAIL)
          .executeTakeFirstOrThrow();
        expect(row.password_change_required_at).toBeNull();
      });

      it('asvs 6 (V6.4.1): a cookie session of the bootstrap admin is held the same way, and other users are not', async () => {
        await start({}, { keepPasswordChange: true });
        const cookie = await server.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          headers: { origin: 'https://rampart.example.test' },
          payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD, mode: 'cookie' },
        });
        expect(cookie.statusCode, cookie.body).toBe(200);
        const setCookie = String(cookie.headers['set-cookie']);
        const value = /__Host-rampart_session=[^;]+/.exec(setCookie)?.[0] ?? '';
        expectProblem(
          await server.app.inject({ method: 'GET', url: '/api/v1/users', headers: { cookie: value } }),
          'password_change_required',
        );
      });
    });

    describe('asvs 7: context-specific words', () => {
      it('asvs 7 (V6.2.11): passwords built from the product name, the host or the account’s email parts are refused, naming the rule, and no account is made', async () => {
        await start();
        const admin = await login(server.app);
        const email = 'margarethe.vonstein@corpmail.example';
        for (const password of [
          'Rampart-is-my-fortress-2026',
          'my R@mp4rt passphrase!!',
          'exampleexample123',
          'margarethe likes long walks',
          'V0nSt3in forever and ever',
          'corpmail corpmail corpmail',
        ]) {
          const answer = await as(server.app, admin, 'POST', '/api/v1/users', { email, password });
          expect(answer.statusCode, `${password}: ${answer.body}`).toBe(400);
          const problem = answer.json<{ code: string; detail: string }>();
          expect(problem.code).toBe('validation_failed');
          expect(problem.detail).toContain('product name');
          expect(problem.detail).not.toContain(password);
        }
        expect(await server.stored.db.selectFrom('users').select('id').where('email', '=', email).execute()).toEqual([]);
        const fine = await as(server.app, admin, 'POST', '/api/v1/users', { email, password: 'quiet violet harbour lanterns 9' });
        expect(fine.statusCode, fine.body).toBe(201);
      });

      it('asvs 7 (V6.2.11): a password change to one built from the account’s own email is refused and the old password still works', async () => {
        await start();
        const admin = await login(server.app);
        const user = await createUser(server.app, admin, 'wilhelmina@example.test');
        const changed = await as(server.app, user.grant, 'POST', '/api/v1/me/password', {
          current_password: MEMBER_PASSWORD,
          new_password: 'Wilhelmina the Great 1999',
        });
        expect(changed.statusCode, changed.body).toBe(400);
        await login(server.app, user.email, MEMBER_PASSWORD);
      });
    });

    describe('asvs 3: MFA for sensitive permissions', () => {
      it('asvs 3 (V6.3.3): a custom role holding secrets.manage (or an application permission marked sensitive) needs a second factor; one holding only org.read does not', async () => {
        await start({ RAMPART_MFA_REQUIRED_FOR_ADMINS: 'true' }, { sensitive: true });
        const admin = await login(server.app);
        // The platform admin is held first: enrol.
        await enrol(server.app, admin.access_token, clock);
        const org = await createOrg(server.app, admin);
        for (const [name, permissions] of [
          ['vault-keeper', ['org.read', 'secrets.manage']],
          ['vm-exporter', ['org.read', 'vm.export']],
          ['reader', ['org.read', 'vm.read']],
        ] as const) {
          const put = await as(server.app, admin, 'PUT', `/api/v1/orgs/${org.id}/roles/${name}`, { permissions });
          expect(put.statusCode, put.body).toBe(201);
        }
        const keeper = await createUser(server.app, admin);
        const exporter = await createUser(server.app, admin);
        const reader = await createUser(server.app, admin);
        await addMember(server.app, admin, org.id, keeper.id, 'vault-keeper');
        await addMember(server.app, admin, org.id, exporter.id, 'vm-exporter');
        await addMember(server.app, admin, org.id, reader.id, 'reader');

        const write = await as(server.app, keeper.grant, 'PUT', `/api/v1/orgs/${org.id}/secrets/db-password`, {
          value: 'hunter2-but-longer',
        });
        expectProblem(write, 'mfa_enrollment_required');
        const secrets = await server.stored.db.selectFrom('secrets').selectAll().execute();
        expect(secrets).toEqual([]);
        expectProblem(await as(server.app, exporter.grant, 'GET', `/api/v1/orgs/${org.id}`), 'mfa_enrollment_required');
        expect((await as(server.app, reader.grant, 'GET', `/api/v1/orgs/${org.id}`)).statusCode).toBe(200);

        // Enrolled, the keeper acts.
        await enrol(server.app, keeper.grant.access_token, clock);
        const after = await as(server.app, keeper.grant, 'PUT', `/api/v1/orgs/${org.id}/secrets/db-password`, {
          value: 'hunter2-but-longer',
        });
        expect(after.statusCode, after.body).toBeLessThan(300);
      });

      it('asvs 3 (V6.3.3): granting a sensitive permission to a member’s role holds them at once', async () => {
        await start({ RAMPART_MFA_REQUIRED_FOR_ADMINS: 'true' });
        const admin = await login(server.app);
        await enrol(server.app, admin.access_token, clock);
        const org = await createOrg(server.app, admin);
        expect((await as(server.app, admin, 'PUT', `/api/v1/orgs/${org.id}/roles/helper`, { permissions: ['org.read'] })).statusCode).toBe(
          201,
        );
        const member = await createUser(server.app, admin);
        await addMember(server.app, admin, org.id, member.id, 'helper');
        expect((await as(server.app, member.grant, 'GET', `/api/v1/orgs/${org.id}`)).statusCode).toBe(200);
        const widened = await as(server.app, admin, 'PUT', `/api/v1/orgs/${org.id}/roles/helper`, {
          permissions: ['org.read', 'members.manage'],
        });
        expect(widened.statusCode, widened.body).toBeLessThan(300);
        expectProblem(await as(server.app, member.grant, 'GET', `/api/v1/orgs/${org.id}`), 'mfa_enrollment_required');
      });
    });

    describe('asvs 4: second-factor changes end other sessions', () => {
      it('asvs 4 (V7.4.3): enrolment ends the other sessions when asked; removal ends them by default, keeps them when asked; the caller stays', async () => {
        await start();
        const admin = await login(server.app);
        const user = await createUser(server.app, admin);
        const relogin = () => login(server.app, user.email, MEMBER_PASSWORD);
        const other = await relogin();

        // Enrolment without the flag: the other session lives on.
        const started = await startTotp(server.app, user.grant.access_token);
        const { secret } = started.json<{ secret: string }>();
        expect((await confirmTotp(server.app, user.grant.access_token, totpCode(secret, clock.now()))).statusCode).toBe(200);
        clock.advance(STEP_MS);
        expect((await me(server.app, other.access_token)).statusCode).toBe(200);

        // Removal: the other session ends by default; the caller's stays.
        expect((await disableTotp(server.app, user.grant.access_token, totpCode(secret, clock.now()))).statusCode).toBe(204);
        clock.advance(STEP_MS);
        expectProblem(await me(server.app, other.access_token), 'session_revoked');
        expectProblem(await refreshRequest(server.app, other.refresh_token), 'session_revoked');
        expect((await me(server.app, user.grant.access_token)).statusCode).toBe(200);
        expect(await liveSessions(user.id)).toBe(1);

        // Enrolment with end_other_sessions: true.
        const third = await relogin();
        const again = (await startTotp(server.app, user.grant.access_token)).json<{ secret: string }>().secret;
        const confirmed = await server.app.inject({
          method: 'POST',
          url: '/api/v1/me/mfa/totp/confirm',
          headers: { authorization: `Bearer ${user.grant.access_token}` },
          payload: { code: totpCode(again, clock.now()), end_other_sessions: true },
        });
        expect(confirmed.statusCode, confirmed.body).toBe(200);
        clock.advance(STEP_MS);
        expectProblem(await me(server.app, third.access_token), 'session_revoked');
        expect((await me(server.app, user.grant.access_token)).statusCode).toBe(200);

        // Removal with keep_other_sessions: true: a session opened meanwhile (through MFA) lives on.
        const fourthLogin = await server.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: user.email, password: MEMBER_PASSWORD },
        });
        const mfaToken = fourthLogin.json<{ mfa_token: string }>().mfa_token;
        const verified = await server.app.inject({
          method: 'POST',
          url: '/api/v1/auth/mfa/verify',
          payload: { mfa_token: mfaToken, code: totpCode(again, clock.now()) },
        });
        expect(verified.statusCode, verified.body).toBe(200);
        const fourth = verified.json<Grant>();
        clock.advance(STEP_MS);
        const kept = await server.app.inject({
          method: 'DELETE',
          url: '/api/v1/me/mfa/totp',
          headers: { authorization: `Bearer ${user.grant.access_token}` },
          payload: { code: totpCode(again, clock.now()), keep_other_sessions: true },
        });
        expect(kept.statusCode, kept.body).toBe(204);
        expect((await me(server.app, fourth.access_token)).statusCode).toBe(200);

        const details = audit
          .events()
          .filter((entry) => entry.action === 'mfa.totp.confirm' || entry.action === 'mfa.totp.disable')
          .filter((entry) => entry.result === 'success')
          .map((entry) => `${entry.action}:${String((entry.details as { end_other_sessions?: boolean } | undefined)?.end_other_sessions)}`);
        expect(details).toEqual(['mfa.totp.confirm:false', 'mfa.totp.disable:true', 'mfa.totp.confirm:true', 'mfa.totp.disable:false']);
      });
    });

    describe('asvs 5: the kill switch', () => {
      async function member(admin: Grant, owner: Grant, org: OrgBody, role = 'viewer'): Promise<OrgUser> {
        return userWithRole(server.app, admin, owner, org, role);
      }

      it('asvs 5 (V7.4.5): an org admin ends every session of the org’s members at once — tokens, refresh tokens, cookies — and no one else’s', async () => {
        await start();
        const admin = await login(server.app);
        const { org, owner } = await orgWithOwner(server.app, admin);
        const alice = await member(admin, owner.grant, org);
        const aliceCookie = await server.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          headers: { origin: 'https://rampart.example.test' },
          payload: { email: alice.email, password: MEMBER_PASSWORD, mode: 'cookie' },
        });
        const cookie = /__Host-rampart_session=[^;]+/.exec(String(aliceCookie.headers['set-cookie']))?.[0] ?? '';
        const outsider = await createUser(server.app, admin);

        const killed = await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/sessions/revoke-all`, {});
        expect(killed.statusCode, killed.body).toBe(200);
        expect(killed.json<{ revoked: number }>().revoked).toBeGreaterThanOrEqual(3);
        expectProblem(await me(server.app, alice.grant.access_token), 'session_revoked');
        expectProblem(await refreshRequest(server.app, alice.grant.refresh_token), 'session_revoked');
        expect((await server.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(401);
        // The caller too, unless it says otherwise.
        expectProblem(await me(server.app, owner.grant.access_token), 'session_revoked');
        expect(await liveSessions(alice.id)).toBe(0);
        // Not a member: untouched, and neither is the platform admin (not a member of the org).
        expect((await me(server.app, outsider.grant.access_token)).statusCode).toBe(200);
        expect((await me(server.app, admin.access_token)).statusCode).toBe(200);
        const entry = audit.events().find((e) => e.action === 'sessions.revoke_all');
        expect(entry?.org).toBe(org.id);
        expect(entry?.details).toMatchObject({ scope: 'org', keep_current: false });
      });

      it('asvs 5 (V7.4.5): keep_current keeps the caller; a stale session needs a step-up; another org’s id is 404; a viewer is 403 — and nothing is revoked', async () => {
        await start();
        const admin = await login(server.app);
        const { org, owner } = await orgWithOwner(server.app, admin);
        const other = await orgWithOwner(server.app, admin);
        const viewer = await member(admin, owner.grant, org);
        expectProblem(await as(server.app, viewer.grant, 'POST', `/api/v1/orgs/${org.id}/sessions/revoke-all`, {}), 'forbidden');
        expectProblem(await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${other.org.id}/sessions/revoke-all`, {}), 'not_found');
        clock.advance(301_000);
        const stale = await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/sessions/revoke-all`, {});
        expectProblem(stale, 'step_up_required');
        expect(await liveSessions(viewer.id)).toBe(1);
        expect(await liveSessions(other.owner.id)).toBe(1);
        const fresh = await login(server.app, owner.email, MEMBER_PASSWORD);
        const kept = await as(server.app, fresh, 'POST', `/api/v1/orgs/${org.id}/sessions/revoke-all`, { keep_current: true });
        expect(kept.statusCode, kept.body).toBe(200);
        expect((await me(server.app, fresh.access_token)).statusCode).toBe(200);
        expectProblem(await me(server.app, viewer.grant.access_token), 'session_revoked');
        expect(await liveSessions(other.owner.id)).toBe(1);
      });

      it('asvs 5 (V7.4.5): a platform admin ends every session of the deployment; an org owner may not', async () => {
        await start();
        const admin = await login(server.app);
        const { owner } = await orgWithOwner(server.app, admin);
        expectProblem(await as(server.app, owner.grant, 'POST', '/api/v1/sessions/revoke-all', {}), 'forbidden');
        expect((await me(server.app, owner.grant.access_token)).statusCode).toBe(200);
        const killed = await as(server.app, admin, 'POST', '/api/v1/sessions/revoke-all', {});
        expect(killed.statusCode, killed.body).toBe(200);
        expectProblem(await me(server.app, owner.grant.access_token), 'session_revoked');
        expectProblem(await me(server.app, admin.access_token), 'session_revoked');
        const live = await server.stored.db
          .selectFrom('sessions')
          .select('id')
          .where('revoked_at', 'is', null)
          .where('expires_at', '>', clock.now())
          .execute();
        expect(live).toEqual([]);
        // New sign-ins work at once.
        await login(server.app);
      });
    });
  });
}
