/**
 * The exploit (issue 13, item 1): the sign-in routes stored their change first and recorded it
 * after — a login opened a session, a refresh rotated its token, a logout revoked, a set-password
 * spent its one-time token, an MFA verify consumed its challenge — so a log that could not record
 * left changes nobody could trace, and (worse for the user) spent one-time tokens behind a 503.
 *
 * Now each records its entry first (kernel/audited-change.ts). test/security/audit-fail-closed.test.ts
 * checks that nothing changes while the log refuses; this suite checks what that means for the
 * caller, on SQLite and PostgreSQL: every token refused with 503 `audit_unavailable` still works
 * once the log records again, a session a refused logout named is still live, an enrolled user's
 * refused password step stores no challenge, and a refresh-token replay is still detected.
 */
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type BackendInstance, type BackendName } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_ENV, login, me, refreshRequest, type Grant } from '../helpers/identity.js';
import { enrol, mfaTokenOf, STEP_MS, totpCode, verifyMfa } from '../helpers/mfa.js';
import { bearer, createUser, MEMBER_PASSWORD, uniqueSlug, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

/** Makes the database refuse every audit write (as in audit-fail-closed.test.ts), runs `work`, then allows them again. */
async function whileLogRefuses<T>(server: TestServer, dialect: BackendName, work: () => Promise<T>): Promise<T> {
  const db = server.stored.db;
  // Entries still queued by the preparation are written before the log starts refusing.
  await (server.rampart.audit as unknown as { inner: { flush(): Promise<void> } }).inner.flush();
  if (dialect === 'sqlite') {
    await sql`create trigger identity_fail_closed before insert on audit_entries begin select raise(abort, 'audit refused by test'); end`.execute(
      db,
    );
  } else {
    await sql`create trigger identity_fail_closed before insert on audit_entries for each row execute function identity_fail_closed()`.execute(
      db,
    );
  }
  try {
    return await work();
  } finally {
    if (dialect === 'sqlite') await sql`drop trigger if exists identity_fail_closed`.execute(db);
    else await sql`drop trigger if exists identity_fail_closed on audit_entries`.execute(db);
  }
}

async function rowCount(server: TestServer, table: 'mfa_challenges' | 'sessions', userId: string): Promise<number> {
  const rows = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)} where user_id = ${userId}`.execute(
    server.stored.db,
  );
  return Number(rows.rows[0]?.n ?? 0);
}

for (const backend of await backends()) {
  describe(`identity's audited changes fail closed, and leave nothing spent, on ${backend.name}`, () => {
    let instance: BackendInstance;
    let server: TestServer;
    let clock: FakeClock;
    let admin: Grant;
    const user = (): Promise<OrgUser> => createUser(server.app, admin);
    const refused = (work: () => Promise<LightMyRequestResponse>): Promise<LightMyRequestResponse> =>
      whileLogRefuses(server, backend.name, work);

    beforeAll(async () => {
      instance = await backend.create();
      clock = new FakeClock(Date.now());
      server = await testServer(instance, {
        clock,
        env: { ...ADMIN_ENV, RAMPART_LOGIN_RATE_LIMIT: '100000', RAMPART_RATE_LIMIT: '1000000' },
      });
      if (backend.name === 'postgres') {
        await sql`create or replace function identity_fail_closed() returns trigger language plpgsql as $$ begin raise exception 'audit refused by test'; end $$`.execute(
          server.stored.db,
        );
      }
      admin = await login(server.app);
    });
    afterAll(async () => {
      await server?.close();
      await instance?.cleanup();
    });

    it('hardening 1: a refresh the log refuses leaves its refresh token unspent: it rotates once the log records', async () => {
      const { grant } = await user();
      expectProblem(await refused(() => refreshRequest(server.app, grant.refresh_token)), 'audit_unavailable');
      const rotated = await refreshRequest(server.app, grant.refresh_token);
      expect(rotated.statusCode, rotated.body).toBe(200);
      const next = rotated.json<Grant>();
      expect(next.refresh_token).not.toBe(grant.refresh_token);
      expect((await me(server.app, next.access_token)).statusCode).toBe(200);
    });

    it('hardening 1: a refresh-token replay the log refuses revokes nothing yet; once it records, the replay revokes the session', async () => {
      const { grant } = await user();
      const rotated = await refreshRequest(server.app, grant.refresh_token);
      expect(rotated.statusCode, rotated.body).toBe(200);
      const successor = rotated.json<Grant>();
      expectProblem(await refused(() => refreshRequest(server.app, grant.refresh_token)), 'audit_unavailable');
      // Not revoked behind an unrecorded decision: the session still answers.
      expect((await me(server.app, successor.access_token)).statusCode).toBe(200);
      expectProblem(await refreshRequest(server.app, grant.refresh_token), 'session_revoked');
      expectProblem(await me(server.app, successor.access_token), 'session_revoked');
      expectProblem(await refreshRequest(server.app, successor.refresh_token), 'session_revoked');
    });

    it('hardening 1: a login the log refuses opens no session; the same credentials sign in once it records', async () => {
      const member = await user();
      const sessions = await rowCount(server, 'sessions', member.id);
      const body = { email: member.email, password: MEMBER_PASSWORD };
      expectProblem(
        await refused(() => server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: body })),
        'audit_unavailable',
      );
      expect(await rowCount(server, 'sessions', member.id)).toBe(sessions);
      const answer = await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: body });
      expect(answer.statusCode, answer.body).toBe(200);
      expect(await rowCount(server, 'sessions', member.id)).toBe(sessions + 1);
    });

    it("hardening 1: an enrolled user's password step the log refuses stores no MFA challenge", async () => {
      const member = await user();
      await enrol(server.app, member.grant.access_token, clock);
      const body = { email: member.email, password: MEMBER_PASSWORD };
      expectProblem(
        await refused(() => server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: body })),
        'audit_unavailable',
      );
      expect(await rowCount(server, 'mfa_challenges', member.id)).toBe(0);
      const answer = await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: body });
      expect(answer.json()).toMatchObject({ mfa_required: true });
      expect(await rowCount(server, 'mfa_challenges', member.id)).toBe(1);
    });

    it('hardening 1: an MFA verify the log refuses leaves the challenge unconsumed: the next code opens the session', async () => {
      const member = await user();
      const { secret } = await enrol(server.app, member.grant.access_token, clock);
      const sessions = await rowCount(server, 'sessions', member.id);
      const token = mfaTokenOf(
        await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: member.email, password: MEMBER_PASSWORD } }),
      );
      expectProblem(await refused(() => verifyMfa(server.app, token, totpCode(secret, clock.now()))), 'audit_unavailable');
      expect(await rowCount(server, 'sessions', member.id)).toBe(sessions);
      // That code's step is spent (replay protection); the next one completes the same challenge.
      clock.advance(STEP_MS);
      const verified = await verifyMfa(server.app, token, totpCode(secret, clock.now()));
      expect(verified.statusCode, verified.body).toBe(200);
      expect((await me(server.app, verified.json<Grant>().access_token)).statusCode).toBe(200);
    });

    it('hardening 1: a logout the log refuses leaves the session live; it ends once the log records', async () => {
      const { grant } = await user();
      const logout = (): Promise<LightMyRequestResponse> =>
        server.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(grant) });
      expectProblem(await refused(logout), 'audit_unavailable');
      expect((await me(server.app, grant.access_token)).statusCode).toBe(200);
      expect((await refreshRequest(server.app, grant.refresh_token)).statusCode).toBe(200);
      expect((await logout()).statusCode).toBe(204);
      expectProblem(await me(server.app, grant.access_token), 'session_revoked');
    });

    it('hardening 1: a set-password the log refuses leaves its one-time token unused: it sets the password once the log records', async () => {
      const email = `${uniqueSlug('i')}@example.test`;
      const created = await server.app.inject({ method: 'POST', url: '/api/v1/users', headers: bearer(admin), payload: { email } });
      expect(created.statusCode, created.body).toBe(201);
      const token = created.json<{ set_password_token: string }>().set_password_token;
      const set = (): Promise<LightMyRequestResponse> =>
        server.app.inject({ method: 'POST', url: '/api/v1/auth/password/set', payload: { token, password: MEMBER_PASSWORD } });
      expectProblem(await refused(set), 'audit_unavailable');
      expectProblem(
        await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: MEMBER_PASSWORD } }),
        'invalid_credentials',
      );
      expect((await set()).statusCode).toBe(204);
      expect((await login(server.app, email, MEMBER_PASSWORD)).access_token).toBeTruthy();
      // Still single use.
      expectProblem(await set(), 'token_invalid');
    });
  });
}
