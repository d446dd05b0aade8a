/**
 * Identity's email flows against a real SMTP server (test/helpers/smtp.ts), on SQLite and
 * PostgreSQL (issue 17, item 1): verification, password reset, email change, the registration and
 * invitation mail; refused tokens change nothing; every flow is audited.
 */
import { sql } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_ENV, login, loginRequest, me, type Grant } from '../helpers/identity.js';
import { as, createOrg, createUser, MEMBER_PASSWORD, uniqueSlug, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { startSmtp, type ReceivedMail, type TestSmtp } from '../helpers/smtp.js';

const NEW_PASSWORD = 'a fresh passphrase after the reset 77';
const MINUTE = 60_000;

/** The one-time token of a mailed link. */
function tokenOf(mail: ReceivedMail): string {
  const token = /[?&]token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
  if (token === undefined) throw new Error('no token in the mail');
  return token;
}

const post = (server: TestServer, url: string, payload: object, grant?: Grant): Promise<LightMyRequestResponse> =>
  as(server.app, grant, 'POST', url, payload);

for (const backend of await backends()) {
  describe(`email flows on ${backend.name}`, () => {
    let store: BackendInstance;
    let smtp: TestSmtp;
    let server: TestServer;
    /** The admin, signed in again whenever asked: the test clock moves past access-token lifetimes. */
    const adminGrant = (): Promise<Grant> => login(server.app);
    const audit = new MemoryAuditLog();
    const clock = new FakeClock(Date.now());

    beforeAll(async () => {
      store = await backend.create();
      smtp = await startSmtp();
      server = await testServer(store, { env: { ...ADMIN_ENV, ...smtp.config(), RAMPART_SELF_REGISTRATION: 'true' }, audit, clock });
    });

    afterAll(async () => {
      await server?.close();
      await smtp?.close();
      await store?.cleanup();
    });

    const mailTo = (address: string, subject: string) => smtp.waitFor((m) => m.to.includes(address) && m.subject === subject);
    const meOf = async (grant: Grant) =>
      (await me(server.app, grant.access_token)).json<{
        user: { email: string; email_verified: boolean; email_verified_at: string | null };
      }>().user;
    const fresh = async (): Promise<OrgUser> => createUser(server.app, await adminGrant(), `${uniqueSlug('mail')}@example.test`);
    const actions = (userId: string) =>
      audit
        .events()
        .filter((e) => e.subject === userId || e.resource === userId)
        .map((e) => `${e.action}:${e.result}${e.reason === undefined ? '' : `:${e.reason}`}`);

    it('federation 1: a verification mail carries a one-time link; confirming it marks the address verified', async () => {
      const user = await fresh();
      expect(await meOf(user.grant)).toMatchObject({ email_verified: false, email_verified_at: null });
      const asked = await post(server, '/api/v1/me/email/verify', {}, user.grant);
      expect(asked.statusCode, asked.body).toBe(202);
      expect(asked.json()).toEqual({ accepted: true });
      const mail = await mailTo(user.email, 'Confirm your email address');
      expect(mail.text).toContain('https://rampart.example.test/email/confirm?token=et_');
      expect(mail.html).toContain('href="https://rampart.example.test/email/confirm?token=et_');
      const confirmed = await post(server, '/api/v1/auth/email/confirm', { token: tokenOf(mail) });
      expect(confirmed.statusCode, confirmed.body).toBe(204);
      const after = await meOf(user.grant);
      expect(after.email_verified).toBe(true);
      expect(Date.parse(after.email_verified_at ?? '')).toBe(clock.now());
      expect(actions(user.id)).toEqual(expect.arrayContaining(['user.email.verify_request:success', 'user.email.verify:success']));
      // Verified already: nothing more to send.
      expectProblem(await post(server, '/api/v1/me/email/verify', {}, user.grant), 'conflict');
      // No token reached a log.
      expect(server.logs.text).not.toContain(tokenOf(mail));
    });

    it('federation 1: a wrong, used or expired confirmation token is refused and changes nothing', async () => {
      const user = await fresh();
      expectProblem(await post(server, '/api/v1/auth/email/confirm', { token: 'et_not-a-token' }), 'token_invalid');
      expect((await meOf(user.grant)).email_verified).toBe(false);

      expect((await post(server, '/api/v1/me/email/verify', {}, user.grant)).statusCode).toBe(202);
      const expired = tokenOf(await mailTo(user.email, 'Confirm your email address'));
      await server.stored.db
        .updateTable('email_tokens')
        .set({ expires_at: clock.now() - 1 })
        .where('user_id', '=', user.id)
        .execute();
      expectProblem(await post(server, '/api/v1/auth/email/confirm', { token: expired }), 'token_invalid');
      expect((await meOf(user.grant)).email_verified).toBe(false);

      smtp.messages.length = 0;
      expect((await post(server, '/api/v1/me/email/verify', {}, user.grant)).statusCode).toBe(202);
      const token = tokenOf(await mailTo(user.email, 'Confirm your email address'));
      expect((await post(server, '/api/v1/auth/email/confirm', { token })).statusCode).toBe(204);
      const verifiedAt = (await meOf(user.grant)).email_verified_at;
      clock.advance(1000);
      expectProblem(await post(server, '/api/v1/auth/email/confirm', { token }), 'token_invalid');
      expect((await meOf(user.grant)).email_verified_at).toBe(verifiedAt);
      expect(audit.events().filter((e) => e.action === 'user.email.verify' && e.reason === 'token_invalid').length).toBeGreaterThanOrEqual(
        3,
      );
    });

    it('federation 1: forgot answers the same for a known and an unknown address; only the known one gets mail', async () => {
      const user = await fresh();
      const unknown = `${uniqueSlug('ghost')}@example.test`;
      const known = await post(server, '/api/v1/auth/password/forgot', { email: user.email.toUpperCase() });
      const ghost = await post(server, '/api/v1/auth/password/forgot', { email: unknown });
      expect(known.statusCode).toBe(202);
      expect(ghost.statusCode).toBe(202);
      expect(known.body).toBe(ghost.body);
      expect(Object.keys(known.headers).sort()).toEqual(Object.keys(ghost.headers).sort());
      const mail = await mailTo(user.email, 'Reset your password');
      expect(mail.text).toContain('https://rampart.example.test/password/reset?token=et_');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(smtp.to(unknown)).toEqual([]);
      const forgot = audit.events().filter((e) => e.action === 'user.password.forgot');
      expect(forgot.find((e) => e.subject === user.id)?.result).toBe('success');
      expect(forgot.find((e) => e.reason === 'unknown_account')).toBeDefined();
    });

    it('federation 1: a reset sets the password once, revokes every session at once, and obeys the policy', async () => {
      const user = await fresh();
      const other = await login(server.app, user.email, MEMBER_PASSWORD);
      expect((await post(server, '/api/v1/auth/password/forgot', { email: user.email })).statusCode).toBe(202);
      const token = tokenOf(await mailTo(user.email, 'Reset your password'));

      // The policy refuses a weak password without spending the token.
      expectProblem(await post(server, '/api/v1/auth/password/reset', { token, new_password: 'short' }), 'validation_failed');
      const reset = await post(server, '/api/v1/auth/password/reset', { token, new_password: NEW_PASSWORD });
      expect(reset.statusCode, reset.body).toBe(204);
      // Every session is revoked: the old access tokens are refused at once.
      expect((await me(server.app, user.grant.access_token)).statusCode).toBe(401);
      expect((await me(server.app, other.access_token)).statusCode).toBe(401);
      expect((await loginRequest(server.app, user.email, MEMBER_PASSWORD)).statusCode).toBe(401);
      const again = await login(server.app, user.email, NEW_PASSWORD);
      // The link reached the address: it counts as verified.
      expect((await meOf(again)).email_verified).toBe(true);
      // Single use.
      expectProblem(await post(server, '/api/v1/auth/password/reset', { token, new_password: `${NEW_PASSWORD} 2` }), 'token_invalid');
      expect((await loginRequest(server.app, user.email, NEW_PASSWORD)).statusCode).toBe(200);
      expect(actions(user.id)).toEqual(expect.arrayContaining(['user.password.forgot:success', 'user.password.reset:success']));
      expect(audit.events().filter((e) => e.action === 'user.password.reset' && e.reason === 'token_invalid').length).toBeGreaterThan(0);
    });

    it('federation 1: a reset token expires after 30 minutes (test clock) and changes nothing then', async () => {
      const user = await fresh();
      expect((await post(server, '/api/v1/auth/password/forgot', { email: user.email })).statusCode).toBe(202);
      const token = tokenOf(await mailTo(user.email, 'Reset your password'));
      clock.advance(30 * MINUTE + 1);
      expectProblem(await post(server, '/api/v1/auth/password/reset', { token, new_password: NEW_PASSWORD }), 'token_invalid');
      expect((await loginRequest(server.app, user.email, MEMBER_PASSWORD)).statusCode).toBe(200);
    });

    it('federation 1: forgot is rate-limited per address, whether or not an account has it', async () => {
      const unknown = `${uniqueSlug('flood')}@example.test`;
      for (let i = 0; i < 5; i += 1) expect((await post(server, '/api/v1/auth/password/forgot', { email: unknown })).statusCode).toBe(202);
      const refused = await post(server, '/api/v1/auth/password/forgot', { email: unknown });
      expectProblem(refused, 'rate_limited');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    });

    it('federation 1: an email change confirms at the new address, switches it verified, and tells both addresses', async () => {
      const user = await fresh();
      const next = `${uniqueSlug('moved')}@example.test`;
      const asked = await post(server, '/api/v1/me/email', { email: next }, user.grant);
      expect(asked.statusCode, asked.body).toBe(202);
      const mail = await mailTo(next, 'Confirm your new email address');
      expect(mail.text).toContain(user.email);
      // Nothing changes before the confirmation.
      expect((await meOf(user.grant)).email).toBe(user.email);
      const confirmed = await post(server, '/api/v1/auth/email/confirm', { token: tokenOf(mail) });
      expect(confirmed.statusCode, confirmed.body).toBe(204);
      expect(await meOf(user.grant)).toMatchObject({ email: next, email_verified: true });
      // The old address is told.
      await smtp.waitFor((m) => m.to.includes(user.email) && m.text.includes(next));
      expect((await loginRequest(server.app, next, MEMBER_PASSWORD)).statusCode).toBe(200);
      expect((await loginRequest(server.app, user.email, MEMBER_PASSWORD)).statusCode).toBe(401);
      expect(actions(user.id)).toEqual(expect.arrayContaining(['user.email.change_request:success', 'user.email.change:success']));
    });

    it('federation 1: an email change needs a fresh authentication', async () => {
      const user = await fresh();
      clock.advance(60 * MINUTE);
      const grant = (await post(server, '/api/v1/auth/refresh', { refresh_token: user.grant.refresh_token })).json<Grant>();
      expectProblem(await post(server, '/api/v1/me/email', { email: `${uniqueSlug('late')}@example.test` }, grant), 'step_up_required');
    });

    it('federation 1: an address taken before the confirmation is refused with 409 and nothing changes', async () => {
      const user = await fresh();
      const next = `${uniqueSlug('race')}@example.test`;
      expect((await post(server, '/api/v1/me/email', { email: next }, user.grant)).statusCode).toBe(202);
      const token = tokenOf(await mailTo(next, 'Confirm your new email address'));
      await createUser(server.app, await adminGrant(), next);
      expectProblem(await post(server, '/api/v1/auth/email/confirm', { token }), 'conflict');
      expect((await meOf(user.grant)).email).toBe(user.email);
      expect(actions(user.id)).toContain('user.email.change:failure:not_applied:conflict');
    });

    it('federation 1: asking to move to a taken address answers the same and tells its owner instead', async () => {
      const user = await fresh();
      const owner = await fresh();
      const asked = await post(server, '/api/v1/me/email', { email: owner.email }, user.grant);
      expect(asked.statusCode).toBe(202);
      expect(asked.json()).toEqual({ accepted: true });
      const notice = await mailTo(owner.email, 'Your address was given for another account');
      expect(notice.text).not.toContain('token=');
    });

    it('federation 1: self-registration with a taken address mails its owner', async () => {
      const owner = await fresh();
      const answer = await post(server, '/api/v1/auth/register', { email: owner.email, password: 'another long passphrase 31' });
      expect(answer.statusCode).toBe(201);
      await mailTo(owner.email, 'Someone tried to register with your address');
    });

    it('federation 1: an invitation arrives by mail, through the outbox, with the org and the role', async () => {
      const admin = await adminGrant();
      const org = await createOrg(server.app, admin, uniqueSlug('inv'), 'Invited & Co');
      const invitee = `${uniqueSlug('invitee')}@example.test`;
      const invited = await post(server, `/api/v1/orgs/${org.id}/members`, { email: invitee, role: 'viewer' }, admin);
      expect(invited.statusCode, invited.body).toBe(202);
      const mail = await mailTo(invitee, 'You are invited to join Invited & Co');
      expect(mail.text).toContain('as viewer');
      expect(mail.html).toContain('Invited &amp; Co');
      const rows = await sql<{
        org_id: string | null;
      }>`select org_id from mail_outbox where template = ${'tenancy.invitation'} and org_id = ${org.id}`.execute(server.stored.db);
      expect(rows.rows).toHaveLength(1);
    });
  });
}
