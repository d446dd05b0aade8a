/**
 * `DELETE /api/v1/me` (test/fixtures/spec-api-v1.md, "The caller"; GDPR Art. 17), on every backend. The caller
 * confirms with the password (and a second-factor code once enrolled); then every session dies on
 * the spot, the API keys and memberships go, every row of the user in every table with a user
 * column (discovered from the live schema) is gone, the audit log shows `[erased]` and still
 * verifies, and the old password signs in no more — answered exactly as an unknown account.
 *
 * The attacks: a stolen session (or a cross-site page riding the cookie) trying to erase the
 * victim without the password — refused, counted like a failed sign-in, nothing changed; the last
 * owner of an org (or of the platform) erasing itself and orphaning it — refused, nothing changed.
 */
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { runAuditExport, verifyExportFile } from '../../src/audit/cli/audit.js';
import type { Output } from '../../src/kernel/cli/output.js';
import { DomainError } from '../../src/kernel/domain/errors.js';
import type { AuditEvent } from '../../src/kernel/ports/audit-log.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ORIGIN } from '../helpers/browser.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_ENV, login, loginRequest, me, refreshRequest, type Grant } from '../helpers/identity.js';
import { enrol } from '../helpers/mfa.js';
import { as, bearer, createOrg, createUser, inviteMember, MEMBER_PASSWORD, orgWithOwner, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testConfig, testServer, type TestServer } from '../helpers/rampart.js';
import { rowsWith, userColumns } from '../helpers/user-tables.js';

const quiet: Output = { json: true, result: () => undefined, progress: () => undefined, note: () => undefined };
const ENV = { ...ADMIN_ENV, RAMPART_LOGIN_RATE_LIMIT: '1000' };

interface Entry {
  index: number;
  action: string;
  resource: string;
  result: string;
  reason?: string;
  actor: { type: string; id: string | null };
  source_ip: string | null;
  user_agent?: string;
  leaf_hash: string;
}

/** What a test checks stayed as it was after a refused erasure. */
interface Footprint {
  readonly user: unknown;
  readonly me: number;
  readonly memberships: number;
  readonly liveSessions: number;
  readonly keyWorks: number;
}

for (const backend of await backends()) {
  describe(`the caller's erasure on ${backend.name}`, () => {
    let instance: BackendInstance;
    let server: TestServer;
    let clock: FakeClock;
    let admin: Grant;

    const erase = (headers: Record<string, string>, payload?: unknown): Promise<LightMyRequestResponse> =>
      server.app.inject({ method: 'DELETE', url: '/api/v1/me', headers, ...(payload === undefined ? {} : { payload: payload as object }) });

    /** A viewer of another owner's org, with an API key, and its key. */
    async function member(): Promise<{ user: OrgUser; key: string; org: string }> {
      const { org, owner } = await orgWithOwner(server.app, admin);
      const user = await createUser(server.app, admin);
      await inviteMember(server.app, owner.grant, org.id, user, 'viewer');
      const issued = await as(server.app, user.grant, 'POST', '/api/v1/api-keys', { name: 'k', scopes: ['org.read'], org: org.id });
      expect(issued.statusCode, issued.body).toBe(201);
      return { user, key: issued.json<{ key: string }>().key, org: org.id };
    }

    async function footprint(user: OrgUser, key: string, org: string): Promise<Footprint> {
      const db = server.rampart.database.db;
      return {
        user: await db.selectFrom('users').selectAll().where('id', '=', user.id).executeTakeFirst(),
        me: (await me(server.app, user.grant.access_token)).statusCode,
        memberships: (await server.rampart.identity.users.memberships(user.id)).length,
        liveSessions: (await server.rampart.identity.sessions.listLive(user.id, clock.now())).length,
        keyWorks: (await server.app.inject({ method: 'GET', url: `/api/v1/orgs/${org}`, headers: { authorization: `Bearer ${key}` } }))
          .statusCode,
      };
    }

    async function integrate(): Promise<void> {
      const log = (server.rampart.audit as unknown as { inner: { integrate(): Promise<unknown> } }).inner;
      await log.integrate();
    }

    async function systemEntries(): Promise<Entry[]> {
      await integrate();
      const response = await as(server.app, admin, 'GET', '/api/v1/orgs/system/audit?limit=200');
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ entries: Entry[] }>().entries;
    }

    beforeAll(async () => {
      instance = await backend.create();
      clock = new FakeClock(Date.now());
      server = await testServer(instance, { clock, env: ENV });
      admin = await login(server.app);
    });
    afterAll(async () => {
      await server?.close();
      await instance?.cleanup();
    });

    it('erases the caller: 202, every credential dead, every user row gone, the audit log [erased] and still verifying', async () => {
      const { user, key, org } = await member();
      const second = await login(server.app, user.email, MEMBER_PASSWORD);
      const cookieLogin = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { origin: ORIGIN, 'user-agent': 'ErasedBrowser/3.0' },
        payload: { email: user.email, password: MEMBER_PASSWORD, mode: 'cookie' },
      });
      expect(cookieLogin.statusCode, cookieLogin.body).toBe(200);
      const cookie = String(cookieLogin.headers['set-cookie']).split(';')[0] ?? '';
      const columns = await userColumns(server.rampart.database);
      const database = server.rampart.database;
      const heldBefore = await Promise.all(columns.map((c) => rowsWith(database, c, user.id)));
      expect(heldBefore.filter((n) => n > 0).length, 'the user has rows in several tables').toBeGreaterThan(4);
      await integrate();

      const erased = await erase(bearer(user.grant), { password: MEMBER_PASSWORD });
      expect(erased.statusCode, erased.body).toBe(202);
      expect(erased.body).toBe('');

      // Every credential is refused at once: both access tokens, the refresh token, the cookie, the API key.
      for (const token of [user.grant.access_token, second.access_token]) expect((await me(server.app, token)).statusCode).toBe(401);
      expect((await refreshRequest(server.app, second.refresh_token)).statusCode).toBe(401);
      expect((await server.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(401);
      expect(
        (await server.app.inject({ method: 'GET', url: `/api/v1/orgs/${org}`, headers: { authorization: `Bearer ${key}` } })).statusCode,
      ).toBe(401);
      // The old password: exactly the answer of an account that never existed.
      const old = await loginRequest(server.app, user.email, MEMBER_PASSWORD);
      const unknown = await loginRequest(server.app, `never-existed-${Date.now()}@example.test`, MEMBER_PASSWORD);
      expect(old.statusCode).toBe(401);
      const strip = (r: LightMyRequestResponse) => ({ ...r.json<Record<string, unknown>>(), request_id: undefined });
      expect(strip(old)).toEqual(strip(unknown));

      // No row of the user is left in any table with a user column.
      const left = (
        await Promise.all(columns.map(async (c) => [`${c.table}.${c.column}`, await rowsWith(database, c, user.id)] as const))
      ).filter(([, n]) => n > 0);
      expect(left).toEqual([]);
      expect(await database.db.selectFrom('users').select('id').where('id', '=', user.id).executeTakeFirst()).toBeUndefined();

      // The audit log: the erasure is recorded (by the user), personal fields read [erased], and the log verifies.
      const entries = await systemEntries();
      const erasure = entries.find((e) => e.action === 'user.erase' && e.resource === user.id && e.result === 'success');
      expect(erasure).toMatchObject({ actor: { type: 'user', id: '[erased]' }, source_ip: '[erased]' });
      const logins = entries.filter((e) => e.action === 'auth.login' && e.resource !== user.id && e.user_agent === 'ErasedBrowser/3.0');
      expect(logins, 'the cookie sign-in entry lost its user agent').toEqual([]);
      // Up to the erasure (the failed sign-in with the old address afterwards is an unknown account's, recorded as such).
      const upToErasure = JSON.stringify(entries.filter((e) => e.index <= (erasure?.index ?? -1)));
      expect(upToErasure).not.toContain(user.email);
      expect(upToErasure).not.toContain('ErasedBrowser');
      const file = join(instance.dataDir, '..', `export-${user.id}.jsonl`);
      expect(await runAuditExport(testConfig(instance, ENV), quiet, { out: file })).toBe(0);
      const report = await verifyExportFile(file, {});
      expect(report).toMatchObject({ ok: true });
      expect(report.erasedPersonal).toBeGreaterThan(0);
    });

    it('a replay after the erasure is refused: the same token, the same request, an Idempotency-Key replay', async () => {
      const { user } = await member();
      const headers = { ...bearer(user.grant), 'idempotency-key': `erase-${user.id}` };
      expect((await erase(headers, { password: MEMBER_PASSWORD })).statusCode).toBe(202);
      for (const replay of [headers, bearer(user.grant)]) {
        const again = await erase(replay, { password: MEMBER_PASSWORD });
        expect(again.statusCode).toBe(401);
        expect(again.headers['www-authenticate']).toMatch(/^Bearer/);
      }
    });

    it('a wrong password is 401 invalid_credentials, audited, counted like a failed sign-in, and changes nothing', async () => {
      const { user, key, org } = await member();
      const before = await footprint(user, key, org);
      expect(before).toMatchObject({ me: 200, memberships: 1, liveSessions: 1, keyWorks: 200 });
      const refused = await erase(bearer(user.grant), { password: 'not the password at all' });
      expectProblem(refused, 'invalid_credentials');
      const after = await footprint(user, key, org);
      expect({ ...after, user: undefined }).toEqual({ ...before, user: undefined });
      expect(after.user).toMatchObject({ status: 'active', failed_logins: 1 });
      const entries = await systemEntries();
      expect(entries.find((e) => e.action === 'user.erase' && e.resource === user.id)).toMatchObject({
        result: 'failure',
        reason: 'wrong_password',
      });
      expect(JSON.stringify(entries)).not.toContain('not the password at all');
    });

    it('repeated wrong passwords start the sign-in backoff: the right one is then refused too, and a login as well', async () => {
      const { user, key, org } = await member();
      for (let i = 0; i < 5; i += 1)
        expectProblem(await erase(bearer(user.grant), { password: `wrong password ${i}` }), 'invalid_credentials');
      // During the backoff even the right password is refused, with the same body.
      expectProblem(await erase(bearer(user.grant), { password: MEMBER_PASSWORD }), 'invalid_credentials');
      // A login from a device that never signed in to the account is held by the backoff too (one
      // that did passes it: docs/decisions/011-login-throttling.md).
      const elsewhere = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: '198.51.100.77',
        payload: { email: user.email, password: MEMBER_PASSWORD },
      });
      expectProblem(elsewhere, 'invalid_credentials');
      expect(await footprint(user, key, org)).toMatchObject({ me: 200, memberships: 1, liveSessions: 1, keyWorks: 200 });
      clock.advance(60_000);
      expect((await erase(bearer(user.grant), { password: MEMBER_PASSWORD })).statusCode).toBe(202);
    });

    it('an account with MFA needs a code: none is 401 mfa_required, a wrong one 401 invalid_credentials; a recovery code erases', async () => {
      const { user, key, org } = await member();
      const { recoveryCodes } = await enrol(server.app, user.grant.access_token, clock);
      const before = await footprint(user, key, org);
      expectProblem(await erase(bearer(user.grant), { password: MEMBER_PASSWORD }), 'mfa_required');
      expectProblem(await erase(bearer(user.grant), { password: MEMBER_PASSWORD, code: '000000' }), 'invalid_credentials');
      expectProblem(
        await erase(bearer(user.grant), { password: 'a wrong password here', code: recoveryCodes[0] ?? '' }),
        'invalid_credentials',
      );
      const after = await footprint(user, key, org);
      expect({ ...after, user: undefined }).toEqual({ ...before, user: undefined });
      expect((await erase(bearer(user.grant), { password: MEMBER_PASSWORD, code: recoveryCodes[0] ?? '' })).statusCode).toBe(202);
      expect((await me(server.app, user.grant.access_token)).statusCode).toBe(401);
    });

    it('the only owner of an org is refused with 409 naming it — with other members or alone — and nothing changes', async () => {
      const { org, owner } = await orgWithOwner(server.app, admin);
      const alone = await createOrg(server.app, owner.grant);
      const viewer = await createUser(server.app, admin);
      await inviteMember(server.app, owner.grant, org.id, viewer, 'viewer');
      const refused = expectProblem(await erase(bearer(owner.grant), { password: MEMBER_PASSWORD }), 'conflict');
      expect(refused.detail).toContain(org.slug);
      expect(refused.detail).toContain(alone.slug);
      expect((await me(server.app, owner.grant.access_token)).statusCode).toBe(200);
      expect(await server.rampart.identity.users.memberships(owner.id)).toHaveLength(2);
      const entries = await systemEntries();
      expect(entries.find((e) => e.action === 'user.erase' && e.resource === owner.id)).toMatchObject({
        result: 'failure',
        reason: 'sole_owner',
      });

      // Another owner in the shared org, the solo org deleted: the erasure goes through; the org keeps its new owner.
      expect(
        (await as(server.app, owner.grant, 'PATCH', `/api/v1/orgs/${org.id}/members/${viewer.id}`, { role: 'owner' })).statusCode,
      ).toBe(200);
      expect((await as(server.app, owner.grant, 'DELETE', `/api/v1/orgs/${alone.id}`)).statusCode).toBe(204);
      expect((await erase(bearer(owner.grant), { password: MEMBER_PASSWORD })).statusCode).toBe(202);
      expect(await server.rampart.identity.users.memberships(viewer.id)).toEqual([{ orgId: org.id, orgSlug: org.slug, role: 'owner' }]);
    });

    it('the last active owner of the platform (system org) cannot erase itself', async () => {
      expectProblem(await erase(bearer(admin), { password: ADMIN_ENV.RAMPART_BOOTSTRAP_ADMIN_PASSWORD }), 'conflict');
      expect((await me(server.app, admin.access_token)).statusCode).toBe(200);
      expect((await login(server.app)).user.id).toBe(admin.user.id);
    });

    it('an account without a password (set by an SSO sign-in, say) is refused with 409 and keeps everything', async () => {
      const { user, key, org } = await member();
      await server.rampart.database.db.updateTable('users').set({ password_hash: null }).where('id', '=', user.id).execute();
      const refused = expectProblem(await erase(bearer(user.grant), { password: MEMBER_PASSWORD }), 'conflict');
      expect(refused.detail).toContain('no password');
      expect(await footprint(user, key, org)).toMatchObject({ me: 200, memberships: 1, liveSessions: 1, keyWorks: 200 });
    });

    it('a cookie-authenticated erasure without Origin is 403 csrf_failed and changes nothing; with the Origin it erases', async () => {
      const { user, key, org } = await member();
      const browser = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { origin: ORIGIN },
        payload: { email: user.email, password: MEMBER_PASSWORD, mode: 'cookie' },
      });
      expect(browser.statusCode, browser.body).toBe(200);
      const cookie = String(browser.headers['set-cookie']).split(';')[0] ?? '';
      const before = await footprint(user, key, org);
      expectProblem(await erase({ cookie }, { password: MEMBER_PASSWORD }), 'csrf_failed');
      expectProblem(await erase({ cookie, origin: 'https://evil.example' }, { password: MEMBER_PASSWORD }), 'csrf_failed');
      const after = await footprint(user, key, org);
      expect({ ...after, user: undefined }).toEqual({ ...before, user: undefined });
      expect(after.user).toEqual(before.user);
      const done = await erase({ cookie, origin: ORIGIN }, { password: MEMBER_PASSWORD });
      expect(done.statusCode, done.body).toBe(202);
      expect(String(done.headers['set-cookie'])).toMatch(/^__Host-rampart_session=;.*Max-Age=0/);
      expect((await server.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(401);
    });

    it('refuses a malformed body with 400 validation_failed, changing nothing', async () => {
      const { user, key, org } = await member();
      const before = await footprint(user, key, org);
      for (const body of [
        {},
        { password: MEMBER_PASSWORD, extra: true },
        { password: 12345678 },
        { password: [MEMBER_PASSWORD] },
        { password: MEMBER_PASSWORD, code: 123456 },
      ]) {
        expectProblem(await erase(bearer(user.grant), body), 'validation_failed');
      }
      expectProblem(await erase(bearer(user.grant)), 'validation_failed');
      expect(await footprint(user, key, org)).toEqual(before);
    });

    it('refuses an API key and a service client with 403, changing nothing', async () => {
      const { user, key, org } = await member();
      const before = await footprint(user, key, org);
      expectProblem(await erase({ authorization: `Bearer ${key}` }, { password: MEMBER_PASSWORD }), 'forbidden');
      expect(await footprint(user, key, org)).toEqual(before);
    });
  });

  describe(`the caller's erasure when the audit log cannot record, on ${backend.name}`, () => {
    /** The in-memory log, refusing one action as an unavailable log does. */
    class FailingAuditLog extends MemoryAuditLog {
      failOn: string | undefined;

      override record(event: AuditEvent): Promise<void> {
        if (event.action === this.failOn) return Promise.reject(new DomainError('audit_unavailable', 'The audit log cannot record'));
        return super.record(event);
      }
    }
    let instance: BackendInstance;
    let server: TestServer;
    const audit = new FailingAuditLog();

    beforeAll(async () => {
      instance = await backend.create();
      server = await testServer(instance, { env: ENV, audit });
    });
    afterAll(async () => {
      await server?.close();
      await instance?.cleanup();
    });

    it('fails closed: 503 audit_unavailable, the account active with every session and membership', async () => {
      const admin = await login(server.app);
      const { org, owner } = await orgWithOwner(server.app, admin);
      const user = await createUser(server.app, admin);
      await inviteMember(server.app, owner.grant, org.id, user, 'viewer');
      audit.failOn = 'user.erase';
      const refused = await server.app.inject({
        method: 'DELETE',
        url: '/api/v1/me',
        headers: bearer(user.grant),
        payload: { password: MEMBER_PASSWORD },
      });
      expectProblem(refused, 'audit_unavailable');
      expect((await me(server.app, user.grant.access_token)).statusCode).toBe(200);
      const row = await server.rampart.database.db.selectFrom('users').select('status').where('id', '=', user.id).executeTakeFirst();
      expect(row).toEqual({ status: 'active' });
      expect(await server.rampart.identity.users.memberships(user.id)).toHaveLength(1);
      audit.failOn = undefined;
      expect((await login(server.app, user.email, MEMBER_PASSWORD)).user.id).toBe(user.id);
    });

    it("the platform's erasure of a user fails closed the same way (one erasure, audited first)", async () => {
      const admin = await login(server.app);
      const user = await createUser(server.app, admin);
      audit.failOn = 'user.delete';
      expectProblem(await as(server.app, admin, 'DELETE', `/api/v1/users/${user.id}`), 'audit_unavailable');
      audit.failOn = undefined;
      expect((await me(server.app, user.grant.access_token)).statusCode).toBe(200);
      expect((await login(server.app, user.email, MEMBER_PASSWORD)).user.id).toBe(user.id);
    });
  });
}
