/**
 * TOTP replay. The exploit: an attacker who knows the password watches (shoulder-surfing, a
 * phishing proxy, a keylogger) the victim type a TOTP code and replays it within its 30-second
 * step — or the one before — on a login of their own. RFC 6238 §5.2: a verifier must not accept
 * an OTP a second time. The victim's code is refused on the attacker's challenge, the stored
 * `last_step` does not move back, and the code of the next step still works.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, login, loginRequest } from '../helpers/identity.js';
import { enrol, mfaTokenOf, STEP_MS, totpCode, verifyMfa } from '../helpers/mfa.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

for (const backend of await backends()) {
  describe(`TOTP replay on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let clock: FakeClock;

    beforeEach(async () => {
      store = await backend.create();
      clock = new FakeClock(Date.UTC(2026, 0, 1, 12));
      server = await testServer(store, { env: ADMIN_ENV, clock });
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    async function lastStep(): Promise<number | null> {
      const row = await server.stored.db.selectFrom('mfa_totp').select('last_step').executeTakeFirstOrThrow();
      return row.last_step;
    }

    it('refuses a code already accepted in the same step, and an earlier step after it; the next step is accepted', async () => {
      const { secret } = await enrol(server.app, (await login(server.app)).access_token, clock);
      const code = totpCode(secret, clock.now());
      const victim = await verifyMfa(server.app, mfaTokenOf(await loginRequest(server.app, ADMIN_EMAIL, ADMIN_PASSWORD)), code);
      expect(victim.statusCode).toBe(200);
      const accepted = await lastStep();
      expect(accepted).toBe(Math.floor(clock.now() / STEP_MS));

      const attacker = mfaTokenOf(await loginRequest(server.app, ADMIN_EMAIL, ADMIN_PASSWORD));
      expectProblem(await verifyMfa(server.app, attacker, code), 'invalid_credentials');
      // The previous step's code is within the ±1 window, yet earlier than the accepted step.
      expectProblem(await verifyMfa(server.app, attacker, totpCode(secret, clock.now() - STEP_MS)), 'invalid_credentials');
      expect(await lastStep()).toBe(accepted);

      clock.advance(STEP_MS);
      const next = await verifyMfa(server.app, attacker, totpCode(secret, clock.now()));
      expect(next.statusCode, next.body).toBe(200);
      expect(await lastStep()).toBe(accepted! + 1);
    });

    it('of two concurrent verifies with the same code, exactly one opens a session', async () => {
      const { secret } = await enrol(server.app, (await login(server.app)).access_token, clock);
      const code = totpCode(secret, clock.now());
      const tokens = [
        mfaTokenOf(await loginRequest(server.app, ADMIN_EMAIL, ADMIN_PASSWORD)),
        mfaTokenOf(await loginRequest(server.app, ADMIN_EMAIL, ADMIN_PASSWORD)),
      ];
      const answers = await Promise.all(tokens.map((token) => verifyMfa(server.app, token, code)));
      expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 401]);
    });
  });
}
