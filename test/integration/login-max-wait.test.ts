/**
 * RAMPART_LOGIN_MAX_WAIT_MS: a login whose password hash would wait behind a line estimated to
 * take longer than the bound is refused at once — 429 `rate_limited` with Retry-After, the same
 * for a known and an unknown account, audited as `hasher_busy` — instead of answering seconds
 * later. Durations are injected (a hasher clock the fake backend advances), never measured.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { nodeRsBackend, PasswordHasher } from '../../src/identity/accounts/crypto/password-hasher.js';
import { loadConfig } from '../../src/config.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, loginRequest } from '../helpers/identity.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

/** Each hash "takes" `perHashMs` on the hasher's clock; while `gated`, a verification waits for `release`. */
function pacedHasher(perHashMs: number) {
  let now = 0;
  let gated = false;
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const backend = {
    ...nodeRsBackend,
    argon2Verify: async (phc: string, password: Uint8Array) => {
      if (gated) await gate;
      now += perHashMs;
      return nodeRsBackend.argon2Verify(phc, password);
    },
  };
  const hasher = new PasswordHasher({ backend, maxConcurrent: 1, maxQueued: 64, maxWaitMs: 750, threadPoolSize: 4, now: () => now });
  return { hasher, hold: () => (gated = true), release, advance: (ms: number) => (now += ms) };
}

for (const backend of await backends()) {
  describe(`the login wait bound on ${backend.name}`, () => {
    let store: BackendInstance | undefined;
    let server: TestServer | undefined;
    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('refuses a login that would wait past the bound with 429 and Retry-After at once, audited, changing nothing', async () => {
      store = await backend.create();
      const paced = pacedHasher(2050);
      const audit = new MemoryAuditLog();
      server = await testServer(store, { env: ADMIN_ENV, passwordHasher: paced.hasher, audit });
      const app = server.app;
      // One measured login: the hasher's average becomes about 450 ms a hash.
      expect((await loginRequest(app, ADMIN_EMAIL, ADMIN_PASSWORD)).statusCode).toBe(200);
      paced.hold();
      const first = loginRequest(app, ADMIN_EMAIL, ADMIN_PASSWORD);
      while (paced.hasher.load.running === 0) await new Promise((resolve) => setImmediate(resolve));
      // The next would wait for the running hash, then run: about 900 ms > 750 ms. The queue has room (64).
      const known = await loginRequest(app, ADMIN_EMAIL, ADMIN_PASSWORD, { 'x-request-id': 'req-known' });
      const unknown = await loginRequest(app, 'nobody@example.test', ADMIN_PASSWORD, { 'x-request-id': 'req-unknown' });
      for (const refused of [known, unknown]) {
        expectProblem(refused, 'rate_limited');
        expect(refused.headers['retry-after']).toBe('1');
      }
      expect(paced.hasher.load).toEqual({ running: 1, queued: 0 });
      const busy = audit.events().filter((event) => event.action === 'auth.login' && event.reason === 'hasher_busy');
      expect(busy.map((event) => [event.result, event.requestId, event.actor.id === null])).toEqual([
        ['failure', 'req-known', false],
        ['failure', 'req-unknown', true],
      ]);
      // Nothing changed: no failure counted against the account, no session opened for the refused.
      expect(await server.rampart.identity.users.findByEmail(ADMIN_EMAIL)).toMatchObject({ failedLogins: 0, nextLoginAt: null });
      paced.release();
      expect((await first).statusCode).toBe(200);
      expect(audit.events().filter((event) => event.action === 'auth.login' && event.result === 'success')).toHaveLength(2);
    });

    it('refuses, when its turn comes, a queued login that has waited past the bound', async () => {
      store = await backend.create();
      const paced = pacedHasher(0);
      const audit = new MemoryAuditLog();
      server = await testServer(store, { env: ADMIN_ENV, passwordHasher: paced.hasher, audit });
      paced.hold();
      const first = loginRequest(server.app, ADMIN_EMAIL, ADMIN_PASSWORD);
      while (paced.hasher.load.running === 0) await new Promise((resolve) => setImmediate(resolve));
      // Hashes are quick so far: this one is estimated well within the bound, and queued.
      const queued = loginRequest(server.app, ADMIN_EMAIL, ADMIN_PASSWORD, { 'x-request-id': 'req-late' });
      while (paced.hasher.load.queued === 0) await new Promise((resolve) => setImmediate(resolve));
      paced.advance(1000); // the running hash stalls for a second
      paced.release();
      expect((await first).statusCode).toBe(200);
      const late = await queued;
      expectProblem(late, 'rate_limited');
      expect(Number(late.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      const busy = audit.events().filter((event) => event.reason === 'hasher_busy');
      expect(busy.map((event) => event.requestId)).toEqual(['req-late']);
      expect(await server.rampart.identity.users.findByEmail(ADMIN_EMAIL)).toMatchObject({ failedLogins: 0 });
    });

    it('gives the server hasher the bound of RAMPART_LOGIN_MAX_WAIT_MS', async () => {
      store = await backend.create();
      server = await testServer(store, { env: { ...ADMIN_ENV, RAMPART_LOGIN_MAX_WAIT_MS: '320' } });
      expect(server.rampart.identity.hasher.maxWaitMs).toBe(320);
    });
  });
}

describe('RAMPART_LOGIN_MAX_WAIT_MS', () => {
  it('is 750 ms by default, 0 turns it off, and anything but a whole number up to 60000 stops the start', () => {
    expect(loadConfig({ env: {} }).loginMaxWaitMs).toBe(750);
    expect(loadConfig({ env: { RAMPART_LOGIN_MAX_WAIT_MS: '0' } }).loginMaxWaitMs).toBe(0);
    for (const bad of ['-1', '1.5', 'soon', '60001'])
      expect(() => loadConfig({ env: { RAMPART_LOGIN_MAX_WAIT_MS: bad } })).toThrow(/RAMPART_LOGIN_MAX_WAIT_MS/);
  });
});
