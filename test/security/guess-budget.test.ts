/**
 * Guessing an account's secrets from inside a session. The exploit: a stolen session (or a stolen
 * password, for the MFA step) tries codes at `DELETE /me/mfa/totp` to remove the second factor,
 * tries passwords at `POST /me/password` to take the account, or logs in again and again so that
 * each new `mfa_token` brings five fresh attempts. Every route that checks a password, a TOTP code
 * or a recovery code spends one attempt of one per-account budget for that secret BEFORE the check
 * (docs/decisions/012-step-up.md): past it the answer is 429 `rate_limited` with `Retry-After` —
 * even for the right secret — and nothing changes. Successes and new tokens reset nothing.
 * The budget here is RAMPART_GUESS_LIMIT=4 per RAMPART_GUESS_WINDOW=60 s.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { backends, postgresBackend, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, login, loginRequest, me, type Grant } from '../helpers/identity.js';
import { disableTotp, enrol, mfaTokenOf, STEP_MS, totpCode, verifyMfa } from '../helpers/mfa.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { postgresAvailable, REDIS_URL, redisAvailable } from '../helpers/services.js';

const LIMIT = 4;
const ENV = { ...ADMIN_ENV, RAMPART_GUESS_LIMIT: String(LIMIT), RAMPART_GUESS_WINDOW: '60' };
const NEW_PASSWORD = 'a brand new passphrase for the test 7';

/** A code that is not valid (nor within the ±1 step window) at `now`. */
function wrongCode(base32: string, now: number): string {
  const valid = new Set([-STEP_MS, 0, STEP_MS].map((delta) => totpCode(base32, now + delta)));
  for (let n = 0; ; n += 1) {
    const candidate = String(n).padStart(6, '0');
    if (!valid.has(candidate)) return candidate;
  }
}

function changePassword(app: FastifyInstance, grant: Grant, current: string): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: '/api/v1/me/password',
    headers: { authorization: `Bearer ${grant.access_token}` },
    payload: { current_password: current, new_password: NEW_PASSWORD },
  });
}

function expectRateLimited(response: LightMyRequestResponse): void {
  expectProblem(response, 'rate_limited');
  const retryAfter = Number(response.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

for (const backend of await backends()) {
  describe(`per-account guessing budgets on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let clock: FakeClock;
    let audit: MemoryAuditLog;

    beforeEach(async () => {
      store = await backend.create();
      clock = new FakeClock(Date.UTC(2026, 0, 1, 12));
      audit = new MemoryAuditLog();
      server = await testServer(store, { env: ENV, clock, audit });
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    async function totpRow(userId: string): Promise<unknown> {
      return server.stored.db.selectFrom('mfa_totp').select(['user_id', 'confirmed_at']).where('user_id', '=', userId).executeTakeFirst();
    }

    async function sessionCount(userId: string): Promise<number> {
      return (await server.stored.db.selectFrom('sessions').select('id').where('user_id', '=', userId).execute()).length;
    }

    it('hardening 9: a stolen session guessing codes at DELETE /me/mfa/totp gets 429 after the budget, even for the right code; TOTP stays', async () => {
      const grant = await login(server.app);
      const { secret } = await enrol(server.app, grant.access_token, clock);
      for (let i = 0; i < LIMIT; i += 1) {
        expectProblem(await disableTotp(server.app, grant.access_token, wrongCode(secret, clock.now())), 'validation_failed');
      }
      expectRateLimited(await disableTotp(server.app, grant.access_token, totpCode(secret, clock.now())));
      // Nothing changed: the factor is enrolled and confirmed, and the right code was not spent.
      expect((await me(server.app, grant.access_token)).json()).toMatchObject({ mfa: { enabled: true } });
      expect(await totpRow(grant.user.id)).toMatchObject({ user_id: grant.user.id, confirmed_at: expect.any(Number) as unknown });
      expect(
        audit
          .events()
          .filter((e) => e.action === 'mfa.totp.disable')
          .map((e) => e.reason),
      ).toEqual([...Array<string>(LIMIT).fill('wrong_code'), 'rate_limited']);
      // The window's end, and only that, restores the budget.
      clock.advance(60_000);
      expect((await disableTotp(server.app, grant.access_token, totpCode(secret, clock.now()))).statusCode).toBe(204);
      expect(await totpRow(grant.user.id)).toBeUndefined();
    });

    it('hardening 9: a new mfa_token does not reset the budget at /auth/mfa/verify; no session opens past it', async () => {
      const grant = await login(server.app);
      const { secret } = await enrol(server.app, grant.access_token, clock);
      const first = mfaTokenOf(await loginRequest(server.app, ADMIN_EMAIL, ADMIN_PASSWORD));
      for (let i = 0; i < LIMIT - 1; i += 1) {
        expectProblem(await verifyMfa(server.app, first, wrongCode(secret, clock.now())), 'invalid_credentials');
      }
      const second = mfaTokenOf(await loginRequest(server.app, ADMIN_EMAIL, ADMIN_PASSWORD));
      expectProblem(await verifyMfa(server.app, second, wrongCode(secret, clock.now())), 'invalid_credentials');
      const sessions = await sessionCount(grant.user.id);
      // A third token, fresh, with the right code: the account's budget is spent.
      const third = mfaTokenOf(await loginRequest(server.app, ADMIN_EMAIL, ADMIN_PASSWORD));
      expectRateLimited(await verifyMfa(server.app, third, totpCode(secret, clock.now())));
      expect(await sessionCount(grant.user.id)).toBe(sessions);
      expect(
        audit
          .events()
          .filter((e) => e.action === 'auth.mfa.verify')
          .at(-1),
      ).toMatchObject({ result: 'failure', reason: 'rate_limited' });
    });

    it('hardening 9: POST /me/password is no password oracle: 429 after the budget, even for the right password, and it stays', async () => {
      const grant = await login(server.app);
      const before = await server.stored.db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', grant.user.id)
        .executeTakeFirstOrThrow();
      for (let i = 0; i < LIMIT; i += 1) {
        expectProblem(await changePassword(server.app, grant, `wrong password number ${i}!`), 'invalid_credentials');
      }
      expectRateLimited(await changePassword(server.app, grant, ADMIN_PASSWORD));
      const after = await server.stored.db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', grant.user.id)
        .executeTakeFirstOrThrow();
      expect(after.password_hash).toBe(before.password_hash);
      await login(server.app);
      expectProblem(await loginRequest(server.app, ADMIN_EMAIL, NEW_PASSWORD), 'invalid_credentials');
      expect(
        audit
          .events()
          .filter((e) => e.action === 'user.password.change')
          .at(-1),
      ).toMatchObject({ result: 'failure', reason: 'rate_limited' });
    });

    it('hardening 9: one budget across routes, and successes count too: a right step-up code and wrong disable codes exhaust the MFA step', async () => {
      const grant = await login(server.app);
      const { secret } = await enrol(server.app, grant.access_token, clock);
      const stepUp = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/step-up',
        headers: { authorization: `Bearer ${grant.access_token}` },
        payload: { code: totpCode(secret, clock.now()) },
      });
      expect(stepUp.statusCode, stepUp.body).toBe(200);
      clock.advance(STEP_MS);
      for (let i = 0; i < LIMIT - 1; i += 1) {
        expectProblem(await disableTotp(server.app, grant.access_token, wrongCode(secret, clock.now())), 'validation_failed');
      }
      const token = mfaTokenOf(await loginRequest(server.app, ADMIN_EMAIL, ADMIN_PASSWORD));
      expectRateLimited(await verifyMfa(server.app, token, totpCode(secret, clock.now())));
    });

    it("hardening 9: DELETE /me's second factor spends the same budget: past it the erasure is 429 and the account stays", async () => {
      const grant = await login(server.app);
      const { secret } = await enrol(server.app, grant.access_token, clock);
      for (let i = 0; i < LIMIT; i += 1) {
        expectProblem(await disableTotp(server.app, grant.access_token, wrongCode(secret, clock.now())), 'validation_failed');
      }
      const erased = await server.app.inject({
        method: 'DELETE',
        url: '/api/v1/me',
        headers: { authorization: `Bearer ${grant.access_token}` },
        payload: { password: ADMIN_PASSWORD, code: totpCode(secret, clock.now()) },
      });
      expectRateLimited(erased);
      expect((await me(server.app, grant.access_token)).statusCode).toBe(200);
      expect(await server.stored.db.selectFrom('users').select('id').where('id', '=', grant.user.id).executeTakeFirst()).toBeDefined();
    });

    it("hardening 9: DELETE /me's password spends the password budget: past it the erasure is 429 even for the right password, and the account stays", async () => {
      const grant = await login(server.app);
      for (let i = 0; i < LIMIT; i += 1) {
        expectProblem(await changePassword(server.app, grant, `wrong password number ${i}!`), 'invalid_credentials');
      }
      const erased = await server.app.inject({
        method: 'DELETE',
        url: '/api/v1/me',
        headers: { authorization: `Bearer ${grant.access_token}` },
        payload: { password: ADMIN_PASSWORD },
      });
      expectRateLimited(erased);
      expect((await me(server.app, grant.access_token)).statusCode).toBe(200);
      expect(await server.stored.db.selectFrom('users').select('id').where('id', '=', grant.user.id).executeTakeFirst()).toBeDefined();
    });
  });
}

const shared = (await postgresAvailable()) && (await redisAvailable());

describe.runIf(shared)('the guessing budget across two instances (PostgreSQL + Redis)', () => {
  let store: BackendInstance;
  let first: TestServer;
  let second: TestServer;

  beforeAll(async () => {
    store = await postgresBackend.create();
    const env = { ...ENV, RAMPART_REDIS_URL: REDIS_URL };
    first = await testServer(store, { env });
    second = await testServer(store, { env });
  });

  afterAll(async () => {
    await second?.close();
    await first?.close();
    await store?.cleanup();
  });

  it('hardening 9: attempts spent on one instance count on the other: the right password is 429 there, and unchanged', async () => {
    const onFirst = await login(first.app);
    const onSecond = await login(second.app);
    for (let i = 0; i < LIMIT; i += 1) {
      expectProblem(await changePassword(first.app, onFirst, `wrong password number ${i}!`), 'invalid_credentials');
    }
    expectRateLimited(await changePassword(second.app, onSecond, ADMIN_PASSWORD));
    await login(second.app);
  });
});
