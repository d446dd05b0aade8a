/**
 * Guessing codes on one mfa_token. The exploit: an attacker with the password gets an mfa_token
 * and tries codes until one matches — a 6-digit TOTP with a ±1 step window is 3 in 10^6 per guess,
 * so an unlimited token would fall in hours — sending guesses in parallel to outrun a counter read
 * before it is written. Each verify spends an attempt in one guarded UPDATE before any code is
 * checked: after five wrong codes the token is dead (401 token_invalid) even for the right code,
 * parallel bursts never get more than five checks, and the stored attempts stay at five.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashMfaToken } from '../../src/identity/mfa/crypto/mfa-token.js';
import { secret } from '../../src/kernel/domain/secret.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, login, loginRequest } from '../helpers/identity.js';
import { enrol, mfaTokenOf, totpCode, verifyMfa } from '../helpers/mfa.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

/** A code that is not the current one (nor within the window) at `now`. */
function wrongCode(base32: string, now: number): string {
  const valid = new Set([-30_000, 0, 30_000].map((delta) => totpCode(base32, now + delta)));
  for (let n = 0; ; n += 1) {
    const candidate = String(n).padStart(6, '0');
    if (!valid.has(candidate)) return candidate;
  }
}

for (const backend of await backends()) {
  describe(`MFA attempt cap on ${backend.name}`, () => {
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

    async function challengeRow(token: string): Promise<{ attempts: number; consumed_at: number | null }> {
      return server.stored.db
        .selectFrom('mfa_challenges')
        .select(['attempts', 'consumed_at'])
        .where('token_hash', '=', hashMfaToken(secret(token))!)
        .executeTakeFirstOrThrow();
    }

    it('after five wrong codes the sixth attempt, with the right code, is refused and the token is dead', async () => {
      const { secret: base32 } = await enrol(server.app, (await login(server.app)).access_token, clock);
      const token = mfaTokenOf(await loginRequest(server.app, ADMIN_EMAIL, ADMIN_PASSWORD));
      for (let i = 0; i < 5; i += 1)
        expectProblem(await verifyMfa(server.app, token, wrongCode(base32, clock.now())), 'invalid_credentials');
      expectProblem(await verifyMfa(server.app, token, totpCode(base32, clock.now())), 'token_invalid');
      expect(await challengeRow(token)).toEqual({ attempts: 5, consumed_at: null });
      // The right code was never checked against the dead token, so it was not spent: a new login takes it.
      const fresh = mfaTokenOf(await loginRequest(server.app, ADMIN_EMAIL, ADMIN_PASSWORD));
      expect((await verifyMfa(server.app, fresh, totpCode(base32, clock.now()))).statusCode).toBe(200);
      expectProblem(await verifyMfa(server.app, token, totpCode(base32, clock.now())), 'token_invalid');
    });

    it('a parallel burst of twelve guesses gets five checks at most', async () => {
      const { secret: base32 } = await enrol(server.app, (await login(server.app)).access_token, clock);
      const token = mfaTokenOf(await loginRequest(server.app, ADMIN_EMAIL, ADMIN_PASSWORD));
      const wrong = wrongCode(base32, clock.now());
      const answers = await Promise.all(Array.from({ length: 12 }, () => verifyMfa(server.app, token, wrong)));
      const codes = answers.map((a) => a.json<{ code: string }>().code);
      expect(codes.filter((c) => c === 'invalid_credentials')).toHaveLength(5);
      expect(codes.filter((c) => c === 'token_invalid')).toHaveLength(7);
      expect(await challengeRow(token)).toEqual({ attempts: 5, consumed_at: null });
    });
  });
}
