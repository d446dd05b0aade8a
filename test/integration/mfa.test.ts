/**
 * TOTP MFA through the real server, on every backend: enrolment → confirm → a login that needs
 * the second factor → verify with a code computed from the returned secret at the fake clock's
 * time; recovery codes; disabling; `/me`'s MFA status; and the audit trail (never a code or secret).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, login, loginRequest, me, type Grant } from '../helpers/identity.js';
import { confirmTotp, disableTotp, enrol, mfaTokenOf, startTotp, STEP_MS, totpCode, verifyMfa } from '../helpers/mfa.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

for (const backend of await backends()) {
  describe(`TOTP MFA on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let audit: MemoryAuditLog;
    let clock: FakeClock;

    beforeEach(async () => {
      store = await backend.create();
      audit = new MemoryAuditLog();
      clock = new FakeClock(Date.UTC(2026, 0, 1, 12));
      server = await testServer(store, { env: ADMIN_ENV, audit, clock });
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('enrols, then a login needs the second factor and verify opens a working session', async () => {
      const first = await login(server.app);
      const started = await startTotp(server.app, first.access_token);
      expect(started.statusCode).toBe(200);
      expect(started.headers['cache-control']).toBe('no-store');
      const { secret, otpauth_url: url } = started.json<{ secret: string; otpauth_url: string }>();
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      expect(url).toMatch(/^otpauth:\/\/totp\/Rampart:admin%40example\.test\?/);
      expect(new URL(url).searchParams.get('secret')).toBe(secret);
      // Pending: not enabled yet, and a login still answers tokens.
      expect((await me(server.app, first.access_token)).json()).toMatchObject({ mfa: { enabled: false } });
      expect(expectProblem(await confirmTotp(server.app, first.access_token, '000000'), 'validation_failed').detail).toMatch(/code/);

      const confirmed = await confirmTotp(server.app, first.access_token, totpCode(secret, clock.now()));
      expect(confirmed.statusCode).toBe(200);
      const codes = confirmed.json<{ recovery_codes: string[] }>().recovery_codes;
      expect(codes).toHaveLength(10);
      for (const code of codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$/);
      expect((await me(server.app, first.access_token)).json()).toMatchObject({ mfa: { enabled: true } });
      // A confirmed enrolment is not restarted behind the user's back.
      expectProblem(await startTotp(server.app, first.access_token), 'conflict');

      clock.advance(STEP_MS);
      const answer = await loginRequest(server.app, ADMIN_EMAIL, ADMIN_PASSWORD);
      expect(answer.json()).not.toHaveProperty('access_token');
      const token = mfaTokenOf(answer);
      const verified = await verifyMfa(server.app, token, totpCode(secret, clock.now()));
      expect(verified.statusCode, verified.body).toBe(200);
      const grant = verified.json<Grant>();
      expect(grant.user.email).toBe(ADMIN_EMAIL);
      expect((await me(server.app, grant.access_token)).statusCode).toBe(200);
      // The token is spent with the login it completed.
      expectProblem(await verifyMfa(server.app, token, totpCode(secret, clock.now() + STEP_MS)), 'token_invalid');

      const actions = audit.events().map((e) => `${e.action}:${e.result}`);
      expect(actions).toEqual(
        expect.arrayContaining(['mfa.totp.enrol:success', 'mfa.totp.confirm:success', 'auth.mfa.challenge:success', 'auth.login:success']),
      );
      expect(audit.events().find((e) => e.action === 'auth.login' && e.details?.['method'] === 'totp')).toBeDefined();
      const logged = JSON.stringify(audit.events()) + server.logs.text;
      expect(logged).not.toContain(secret);
      expect(logged).not.toContain(token);
      for (const code of codes) expect(logged).not.toContain(code);
    });

    it('a recovery code completes a login once', async () => {
      const enrolled = await enrol(server.app, (await login(server.app)).access_token, clock);
      const code = enrolled.recoveryCodes[3]!;
      const verified = await verifyMfa(
        server.app,
        mfaTokenOf(await loginRequest(server.app, ADMIN_EMAIL, ADMIN_PASSWORD)),
        code.toUpperCase(),
      );
      expect(verified.statusCode, verified.body).toBe(200);
      expect(audit.events().find((e) => e.action === 'auth.login' && e.details?.['method'] === 'recovery_code')).toBeDefined();
      const again = await verifyMfa(server.app, mfaTokenOf(await loginRequest(server.app, ADMIN_EMAIL, ADMIN_PASSWORD)), code);
      expectProblem(again, 'invalid_credentials');
    });

    it('refuses an unknown, a malformed and an expired mfa_token with 401 token_invalid', async () => {
      const enrolled = await enrol(server.app, (await login(server.app)).access_token, clock);
      expectProblem(await verifyMfa(server.app, `mfa_${'A'.repeat(43)}`, totpCode(enrolled.secret, clock.now())), 'token_invalid');
      expectProblem(await verifyMfa(server.app, 'not-a-token', totpCode(enrolled.secret, clock.now())), 'token_invalid');
      const token = mfaTokenOf(await loginRequest(server.app, ADMIN_EMAIL, ADMIN_PASSWORD));
      clock.advance(5 * 60_000);
      expectProblem(await verifyMfa(server.app, token, totpCode(enrolled.secret, clock.now())), 'token_invalid');
      // The right code was not spent by the refused token: a fresh login takes it.
      const fresh = mfaTokenOf(await loginRequest(server.app, ADMIN_EMAIL, ADMIN_PASSWORD));
      expect((await verifyMfa(server.app, fresh, totpCode(enrolled.secret, clock.now()))).statusCode).toBe(200);
    });

    it('disables MFA with a current code (not with a wrong one); logins answer tokens again', async () => {
      const grant = await login(server.app);
      const enrolled = await enrol(server.app, grant.access_token, clock);
      expectProblem(await disableTotp(server.app, grant.access_token, '123456'), 'validation_failed');
      expectProblem(await disableTotp(server.app, grant.access_token, 'aaaa-bbbb-cccc'), 'validation_failed');
      expect((await me(server.app, grant.access_token)).json()).toMatchObject({ mfa: { enabled: true } });
      const removed = await disableTotp(server.app, grant.access_token, totpCode(enrolled.secret, clock.now()));
      expect(removed.statusCode, removed.body).toBe(204);
      expect((await me(server.app, grant.access_token)).json()).toMatchObject({ mfa: { enabled: false } });
      expect(await login(server.app)).toHaveProperty('access_token');
      const { db } = server.stored;
      expect(await db.selectFrom('mfa_totp').selectAll().execute()).toEqual([]);
      expect(await db.selectFrom('recovery_codes').selectAll().execute()).toEqual([]);
      expect(
        audit
          .events()
          .filter((e) => e.action === 'mfa.totp.disable')
          .map((e) => e.result),
      ).toEqual(['failure', 'failure', 'success']);
    });

    it('disables MFA with a recovery code', async () => {
      const grant = await login(server.app);
      const enrolled = await enrol(server.app, grant.access_token, clock);
      expect((await disableTotp(server.app, grant.access_token, enrolled.recoveryCodes[0]!)).statusCode).toBe(204);
      expect((await me(server.app, grant.access_token)).json()).toMatchObject({ mfa: { enabled: false } });
    });
  });
}
