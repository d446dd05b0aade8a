/**
 * One flood refuses every login (issue 13, item 8). The exploit: sixty addresses, each under its
 * own login limit, fill the one shared hashing queue, and every legitimate login gets 429 — a
 * denial of service that needs no single noisy source. Now a source (an IPv4 address, an IPv6
 * /64) holds a bounded share of the hasher, places are reserved for devices that signed in
 * before, and an unknown account's dummy hash takes only spare room. The hasher's backend is
 * held on a gate so that the queue is full when the owner signs in; the test asserts the answer
 * (200), never a duration.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeRsBackend, PasswordHasher } from '../../src/identity/accounts/crypto/password-hasher.js';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD } from '../helpers/identity.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

/** A real hasher whose verifications wait while `held`. */
function gatedHasher() {
  let release: () => void = () => undefined;
  let gate: Promise<void> = Promise.resolve();
  const backend = {
    ...nodeRsBackend,
    argon2Verify: async (phc: string, password: Uint8Array) => {
      await gate;
      return nodeRsBackend.argon2Verify(phc, password);
    },
  };
  const hasher = new PasswordHasher({ backend, maxConcurrent: 1, maxQueued: 16, perSource: 1, threadPoolSize: 4 });
  return {
    hasher,
    hold: () => (gate = new Promise<void>((resolve) => (release = resolve))),
    release: () => release(),
  };
}

function attempt(server: TestServer, email: string, password: string, remoteAddress: string, headers: Record<string, string> = {}) {
  return server.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress, headers, payload: { email, password } });
}

/** Waits until every request has either answered or is in the hasher (running or queued). */
async function settle(hasher: PasswordHasher, pending: readonly Promise<LightMyRequestResponse>[]): Promise<number> {
  let answered = 0;
  for (const request of pending) void request.then(() => (answered += 1));
  for (let spins = 0; answered + hasher.load.running + hasher.load.queued < pending.length; spins += 1) {
    if (spins > 100_000) throw new Error('the flood never settled');
    await new Promise((resolve) => setImmediate(resolve));
  }
  return answered;
}

for (const backend of await backends()) {
  describe(`a hashing-queue flood on ${backend.name}`, () => {
    let store: BackendInstance | undefined;
    let server: TestServer | undefined;
    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('hardening 8: sixty sources saturate the hasher, and the owner with a device cookie still signs in', async () => {
      store = await backend.create();
      const gated = gatedHasher();
      const audit = new MemoryAuditLog();
      server = await testServer(store, { env: ADMIN_ENV, passwordHasher: gated.hasher, audit });
      const first = await attempt(server, ADMIN_EMAIL, ADMIN_PASSWORD, '192.0.2.10', { 'user-agent': 'owner laptop' });
      expect(first.statusCode, first.body).toBe(200);
      const token = first.json<{ device_token: string }>().device_token;

      gated.hold();
      // Sixty addresses, one wrong password at the owner and one unknown email each: every one under its own limits.
      const flood = Array.from({ length: 60 }, (_, i) => [
        attempt(server!, ADMIN_EMAIL, `guess ${i}`, `198.18.${i}.1`),
        attempt(server!, `nobody-${i}@example.test`, `guess ${i}`, `198.18.${i}.1`),
      ]).flat();
      await settle(gated.hasher, flood);
      // Saturated: one running, the shared part of the line full; only reserved places are left.
      expect(gated.hasher.load.running).toBe(1);
      expect(gated.hasher.load.queued).toBeGreaterThanOrEqual(12);

      // The owner, from another network, with the device token.
      const owner = attempt(server, ADMIN_EMAIL, ADMIN_PASSWORD, '203.0.113.5', { cookie: `rampart_device=${token}` });
      gated.release();
      const answer = await owner;
      expect(answer.statusCode, answer.body).toBe(200);
      const answers = await Promise.all(flood);
      // The flood was refused by the hasher, not by limits: the queue really was full.
      expect(answers.filter((a) => a.statusCode === 429).length).toBeGreaterThan(0);
      const busy = audit.events().filter((e) => e.action === 'auth.login' && e.reason === 'hasher_busy');
      expect(busy.length).toBeGreaterThan(0);
    });

    it('hardening 8: sixty IPv6 addresses of one /64 are one source and hold one place in the hasher', async () => {
      store = await backend.create();
      const gated = gatedHasher();
      server = await testServer(store, { env: ADMIN_ENV, passwordHasher: gated.hasher });
      gated.hold();
      const flood = Array.from({ length: 60 }, (_, i) =>
        attempt(server!, `nobody-${i}@example.test`, 'guess', `2001:db8:1:2::${(i + 1).toString(16)}`),
      );
      const answered = await settle(gated.hasher, flood);
      expect(gated.hasher.load).toEqual({ running: 1, queued: 0 });
      expect(answered).toBe(59);
      // Another /64 still gets in.
      const other = attempt(server, 'someone@example.test', 'guess', '2001:db8:1:3::1');
      while (gated.hasher.load.queued === 0) await new Promise((resolve) => setImmediate(resolve));
      expect(gated.hasher.load.running + gated.hasher.load.queued).toBe(2);
      gated.release();
      const answers = await Promise.all(flood);
      expect(answers.filter((a) => a.statusCode === 429)).toHaveLength(59);
      expect((await other).statusCode).toBe(401);
    });
  });
}
