/**
 * Issue 18, items 2 and 3: known devices, new-device alerts with their one-time links, and the
 * security notifications, on SQLite and PostgreSQL, with a real SMTP server. A sign-in from a
 * device the account has not seen sends exactly one mail whose links work once; a known device
 * sends none; a used, expired or tampered link does nothing (the state is read back); every kind
 * of notification arrives by mail and is listed at /me/security-events, to its owner only.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, createOrg, createUser, MEMBER_PASSWORD, type OrgUser } from '../helpers/orgs.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { disableTotp, enrol } from '../helpers/mfa.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { startSmtp, type ReceivedMail, type TestSmtp } from '../helpers/smtp.js';

/** The device createUser's own first sign-in comes from: light-my-request's address and user agent. */
const LAPTOP = { userAgent: 'lightMyRequest', ip: '127.0.0.1' };
const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1';

function signIn(
  app: FastifyInstance,
  email: string,
  device: { readonly userAgent: string; readonly ip: string },
): Promise<LightMyRequestResponse> {
  const { userAgent, ip } = device;
  return app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    remoteAddress: ip,
    headers: { 'user-agent': userAgent },
    payload: { email, password: MEMBER_PASSWORD },
  });
}

/** The path of a link named `label` in the alert mail's text. */
function linkIn(mail: ReceivedMail, label: 'This was me' | "This wasn't me"): string {
  const line = mail.text.split('\n').find((l) => l.startsWith(label));
  const url = /(https:\/\/\S+)/.exec(line ?? '')?.[1];
  expect(url, mail.text).toBeDefined();
  return new URL(url as string).pathname;
}

async function events(
  app: FastifyInstance,
  grant: Grant,
  query = '',
): Promise<{ items: { kind: string; id: string }[]; next_cursor: string | null }> {
  const response = await as(app, grant, 'GET', `/api/v1/me/security-events${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

/** Waits until the outbox had time to deliver (the poll is 200 ms), then counts `user`'s alert mails. */
async function alertsTo(smtp: TestSmtp, email: string): Promise<ReceivedMail[]> {
  await new Promise((resolve) => setTimeout(resolve, 600));
  return smtp.to(email).filter((m) => m.subject === 'New sign-in to your account');
}

for (const backend of await backends()) {
  describe(`new-device alerts and security notifications (${backend.name})`, () => {
    let store: BackendInstance;
    let smtp: TestSmtp;
    let server: TestServer;
    let admin: Grant;

    beforeAll(async () => {
      smtp = await startSmtp();
      store = await backend.create();
      server = await testServer(store, { env: { ...ADMIN_ENV, ...smtp.config() } });
      admin = await login(server.app);
    });

    afterAll(async () => {
      await server?.close();
      await store?.cleanup();
      await smtp?.close();
    });

    /** A new account that signed in once from the laptop (createUser's login: its first sign-in, no alert). */
    async function accountOnLaptop(): Promise<{ user: OrgUser; grant: Grant }> {
      const user = await createUser(server.app, admin);
      return { user, grant: user.grant };
    }

    it('passkeys 2: the first sign-in of a new account and a known device send no alert; a new device sends exactly one mail', async () => {
      const { user } = await accountOnLaptop();
      expect((await signIn(server.app, user.email, LAPTOP)).statusCode).toBe(200);
      expect(await alertsTo(smtp, user.email)).toHaveLength(0);

      const phone = await signIn(server.app, user.email, { userAgent: PHONE, ip: '198.51.100.23' });
      expect(phone.statusCode, phone.body).toBe(200);
      const mail = await smtp.waitFor((m) => m.to.includes(user.email) && m.subject === 'New sign-in to your account');
      expect(mail.text).toContain('Safari on iOS');
      expect(mail.text).toContain('198.51.100.23');
      expect(await alertsTo(smtp, user.email)).toHaveLength(1);
      const listed = await events(server.app, phone.json<Grant>());
      expect(listed.items.map((e) => e.kind)).toEqual(['sign_in_new_device']);
    });

    it('passkeys 2: "this was me" works once, shows nothing on GET, and the device is then known', async () => {
      const { user } = await accountOnLaptop();
      expect((await signIn(server.app, user.email, { userAgent: PHONE, ip: '198.51.100.24' })).statusCode).toBe(200);
      const mail = await smtp.waitFor((m) => m.to.includes(user.email) && m.subject === 'New sign-in to your account');
      const confirm = linkIn(mail, 'This was me');

      const page = await server.app.inject({ method: 'GET', url: confirm });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.body).not.toContain(user.email);
      // A GET (a mail scanner's prefetch) changed nothing: the link still works once.
      const used = await server.app.inject({ method: 'POST', url: confirm });
      expect(used.statusCode, used.body).toBe(200);
      expect(used.json()).toMatchObject({ action: 'confirm', revoked_sessions: [] });
      expectProblem(await server.app.inject({ method: 'POST', url: confirm }), 'token_invalid');
      // Using one link spends both.
      const revoke = linkIn(mail, "This wasn't me");
      expectProblem(await server.app.inject({ method: 'POST', url: revoke }), 'token_invalid');
      const known = await server.stored.db.selectFrom('known_devices').select('device_key').where('user_id', '=', user.id).execute();
      expect(known.length).toBeGreaterThan(0);
    });

    it('passkeys 2: "this wasn\'t me" revokes the new device\'s session, not the others, and mails a password reset', async () => {
      const { user, grant: laptop } = await accountOnLaptop();
      const phone = await signIn(server.app, user.email, { userAgent: PHONE, ip: '198.51.100.25' });
      const phoneGrant = phone.json<Grant>();
      const mail = await smtp.waitFor((m) => m.to.includes(user.email) && m.subject === 'New sign-in to your account');
      const used = await server.app.inject({ method: 'POST', url: linkIn(mail, "This wasn't me") });
      expect(used.statusCode, used.body).toBe(200);
      expect(used.json()).toMatchObject({ action: 'revoke', revoked_sessions: [phoneGrant.session_id], password_reset: true });
      await smtp.waitFor((m) => m.to.includes(user.email) && m.subject === 'Reset your password');
      expectProblem(await as(server.app, phoneGrant, 'GET', '/api/v1/me'), 'session_revoked');
      expect((await as(server.app, laptop, 'GET', '/api/v1/me')).statusCode).toBe(200);
    });

    it('passkeys 2: a tampered, an expired or a used link does nothing (state read back)', async () => {
      const { user } = await accountOnLaptop();
      const phone = (await signIn(server.app, user.email, { userAgent: PHONE, ip: '198.51.100.26' })).json<Grant>();
      const mail = await smtp.waitFor((m) => m.to.includes(user.email) && m.subject === 'New sign-in to your account');
      const revoke = linkIn(mail, "This wasn't me");
      const confirm = linkIn(mail, 'This was me');
      // The confirm link's signature on the revoke action, and a flipped character: both refused.
      const forged = confirm.replace('.confirm.', '.revoke.');
      expectProblem(await server.app.inject({ method: 'POST', url: forged }), 'token_invalid');
      const flipped = revoke.slice(0, -1) + (revoke.endsWith('A') ? 'B' : 'A');
      expectProblem(await server.app.inject({ method: 'POST', url: flipped }), 'token_invalid');
      expect((await server.app.inject({ method: 'GET', url: flipped })).statusCode).toBe(404);
      // Expired: the alert's expiry moved into the past.
      await server.stored.db.updateTable('new_device_alerts').set({ expires_at: 1 }).where('user_id', '=', user.id).execute();
      expectProblem(await server.app.inject({ method: 'POST', url: revoke }), 'token_invalid');
      const alert = await server.stored.db
        .selectFrom('new_device_alerts')
        .selectAll()
        .where('user_id', '=', user.id)
        .executeTakeFirstOrThrow();
      expect(alert.resolved_at).toBeNull();
      expect((await as(server.app, phone, 'GET', '/api/v1/me')).statusCode).toBe(200);
    });

    it('passkeys 3: a second factor added, a recovery code used and the factor removed each arrive by mail and are listed', async () => {
      const { user, grant } = await accountOnLaptop();
      const enrolled = await enrol(server.app, grant.access_token, new FakeClock(Date.now()));
      await smtp.waitFor((m) => m.to.includes(user.email) && m.subject === 'Two-step sign-in was turned on');
      const removed = await disableTotp(server.app, grant.access_token, enrolled.recoveryCodes[0] as string);
      expect(removed.statusCode, removed.body).toBeLessThan(300);
      await smtp.waitFor((m) => m.to.includes(user.email) && m.subject === 'A recovery code was used');
      const off = await smtp.waitFor((m) => m.to.includes(user.email) && m.subject === 'Two-step sign-in was turned off');
      expect(off.text).toContain(user.email);
      expect(off.text).not.toContain(enrolled.recoveryCodes[0] as string);
      const kinds = (await events(server.app, grant)).items.map((e) => e.kind);
      expect(kinds).toEqual(['mfa_disabled', 'recovery_code_used', 'mfa_enabled']);
    });

    it('passkeys 3: each notification arrives by mail and is listed for its owner only, newest first, by authenticated cursor', async () => {
      const { user, grant } = await accountOnLaptop();
      const other = await accountOnLaptop();
      // API key created.
      const org = await createOrg(server.app, grant);
      const key = await as(server.app, grant, 'POST', '/api/v1/api-keys', { name: 'laptop-ci', scopes: ['secrets.read'], org: org.id });
      expect(key.statusCode, key.body).toBe(201);
      await smtp.waitFor((m) => m.to.includes(user.email) && m.subject === 'An API key was created');
      // Sessions revoked by an administrator.
      expect((await as(server.app, admin, 'POST', `/api/v1/users/${user.id}/sessions/revoke`)).statusCode).toBeLessThan(300);
      await smtp.waitFor((m) => m.to.includes(user.email) && m.subject === 'You were signed out everywhere');
      // Password changed (from a fresh session).
      const again = (await signIn(server.app, user.email, LAPTOP)).json<Grant>();
      const changed = await as(server.app, again, 'POST', '/api/v1/me/password', {
        current_password: MEMBER_PASSWORD,
        new_password: 'another long passphrase for this test 7',
      });
      expect(changed.statusCode, changed.body).toBeLessThan(300);
      await smtp.waitFor((m) => m.to.includes(user.email) && m.subject === 'Your password was changed');

      const page1 = await events(server.app, again, '?limit=2');
      expect(page1.items.map((e) => e.kind)).toEqual(['password_changed', 'sessions_revoked_by_admin']);
      expect(page1.next_cursor).not.toBeNull();
      const page2 = await events(server.app, again, `?limit=2&cursor=${page1.next_cursor}`);
      expect(page2.items.map((e) => e.kind)).toEqual(['api_key_created']);
      // Another user's list holds none of these; the cursor does not open for them.
      expect((await events(server.app, other.grant)).items).toEqual([]);
      expectProblem(
        await as(server.app, other.grant, 'GET', `/api/v1/me/security-events?cursor=${page1.next_cursor}`),
        'validation_failed',
      );
    });
  });
}
