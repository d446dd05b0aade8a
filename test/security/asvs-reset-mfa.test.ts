/**
 * ASVS V6.4.3: a password reset must not bypass multi-factor authentication. The exploit: whoever
 * reads a victim's mailbox asks for a reset and, if the reset signed them in (or if the new
 * password alone opened a session), would own an account its owner protected with a second
 * factor. Through a real SMTP server (test/helpers/smtp.ts), on SQLite and PostgreSQL: the reset
 * answers no token, and the next sign-in with the new password still stops at the second factor.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_ENV, login, loginRequest } from '../helpers/identity.js';
import { enrol, totpCode, verifyMfa } from '../helpers/mfa.js';
import { as, createUser, uniqueSlug } from '../helpers/orgs.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

const NEW_PASSWORD = 'velvet lantern across quiet harbours 31';

for (const backend of await backends()) {
  describe(`asvs V6.4.3 on ${backend.name}`, () => {
    let store: BackendInstance;
    let smtp: TestSmtp;
    let server: TestServer;
    const clock = new FakeClock(Date.now());

    beforeAll(async () => {
      store = await backend.create();
      smtp = await startSmtp();
      server = await testServer(store, { env: { ...ADMIN_ENV, ...smtp.config() }, clock });
    });

    afterAll(async () => {
      await server?.close();
      await smtp?.close();
      await store?.cleanup();
    });

    it('asvs V6.4.3: a password reset of an account with a second factor signs no one in; the new password still stops at the second factor', async () => {
      const user = await createUser(server.app, await login(server.app), `${uniqueSlug('reset')}@example.test`);
      const { secret } = await enrol(server.app, user.grant.access_token, clock);
      const asked = await as(server.app, undefined, 'POST', '/api/v1/auth/password/forgot', { email: user.email });
      expect(asked.statusCode, asked.body).toBe(202);
      const mail = await smtp.waitFor((m) => m.to.includes(user.email) && m.subject === 'Reset your password');
      const token = /[?&]token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1] ?? '';
      const reset = await as(server.app, undefined, 'POST', '/api/v1/auth/password/reset', { token, new_password: NEW_PASSWORD });
      expect(reset.statusCode, reset.body).toBe(204);
      expect(reset.body).toBe('');
      expect(reset.headers['set-cookie']).toBeUndefined();

      const signIn = await loginRequest(server.app, user.email, NEW_PASSWORD);
      expect(signIn.statusCode, signIn.body).toBe(200);
      const answer = signIn.json<Record<string, unknown>>();
      expect(answer.mfa_required).toBe(true);
      expect(answer).not.toHaveProperty('access_token');
      expect(answer).not.toHaveProperty('refresh_token');
      expect((await verifyMfa(server.app, String(answer.mfa_token), totpCode(secret, clock.now()))).statusCode).toBe(200);
    });
  });
}
