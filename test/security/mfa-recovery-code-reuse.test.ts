/**
 * Recovery-code reuse. The exploit: a recovery code leaks (a printed sheet, a screenshot, a code
 * the user already typed) and is presented again — or twice at the same instant, hoping that both
 * requests read the code as unused before either marks it (a check-then-act race). A code is
 * consumed by one guarded `UPDATE … WHERE used_at IS NULL RETURNING`: a reuse is refused, of two
 * concurrent uses exactly one succeeds, and the row is marked used once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, login, loginRequest } from '../helpers/identity.js';
import { enrol, mfaTokenOf, verifyMfa } from '../helpers/mfa.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

for (const backend of await backends()) {
  describe(`recovery code reuse on ${backend.name}`, () => {
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

    async function usedCount(): Promise<number> {
      const rows = await server.stored.db.selectFrom('recovery_codes').select('used_at').execute();
      expect(rows).toHaveLength(10);
      return rows.filter((row) => row.used_at !== null).length;
    }

    async function challenge(): Promise<string> {
      return mfaTokenOf(await loginRequest(server.app, ADMIN_EMAIL, ADMIN_PASSWORD));
    }

    it('refuses a recovery code the second time', async () => {
      const { recoveryCodes } = await enrol(server.app, (await login(server.app)).access_token, clock);
      const code = recoveryCodes[0]!;
      expect((await verifyMfa(server.app, await challenge(), code)).statusCode).toBe(200);
      expect(await usedCount()).toBe(1);
      expectProblem(await verifyMfa(server.app, await challenge(), code), 'invalid_credentials');
      // Typed differently (no dashes, upper case) it is the same code, and still used.
      expectProblem(await verifyMfa(server.app, await challenge(), code.replaceAll('-', '').toUpperCase()), 'invalid_credentials');
      expect(await usedCount()).toBe(1);
      // The other codes are untouched.
      expect((await verifyMfa(server.app, await challenge(), recoveryCodes[1]!)).statusCode).toBe(200);
      expect(await usedCount()).toBe(2);
    });

    it('of two concurrent uses of one recovery code, exactly one succeeds', async () => {
      const { recoveryCodes } = await enrol(server.app, (await login(server.app)).access_token, clock);
      const tokens = [await challenge(), await challenge()];
      const answers = await Promise.all(tokens.map((token) => verifyMfa(server.app, token, recoveryCodes[5]!)));
      expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 401]);
      expect(answers.find((a) => a.statusCode === 401)!.json()).toMatchObject({ code: 'invalid_credentials' });
      expect(await usedCount()).toBe(1);
    });
  });
}
