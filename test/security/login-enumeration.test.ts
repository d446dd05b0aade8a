/**
 * Account enumeration through login. The exploit: an attacker submits candidate emails with any
 * password and compares the answers — a different status, body, header, or a faster answer (no
 * password hash was computed) for unknown accounts tells which emails have accounts, a list to
 * phish or to spray passwords at. Rampart answers an unknown account exactly like a wrong password
 * and computes one dummy argon2id verification for it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { nodeRsBackend, PasswordHasher } from '../../src/identity/accounts/crypto/password-hasher.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_EMAIL, ADMIN_ENV, loginRequest } from '../helpers/identity.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

/** Everything of an answer but what differs per request by design (request id, rate-limit counters). */
function comparable(response: LightMyRequestResponse): unknown {
  const headers = { ...response.headers };
  for (const name of ['x-request-id', 'date', 'ratelimit-remaining', 'ratelimit-reset']) delete headers[name];
  const body = response.json<Record<string, unknown>>();
  return { status: response.statusCode, headers, body: { ...body, request_id: undefined } };
}

for (const backend of await backends()) {
  describe(`login enumeration on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let verifications = 0;

    beforeEach(async () => {
      store = await backend.create();
      verifications = 0;
      const hasher = new PasswordHasher({
        backend: {
          ...nodeRsBackend,
          argon2Verify: (phc, password) => {
            verifications++;
            return nodeRsBackend.argon2Verify(phc, password);
          },
        },
      });
      server = await testServer(store, { env: ADMIN_ENV, passwordHasher: hasher });
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('an unknown account and a wrong password get identical status, body and headers', async () => {
      const wrong = await loginRequest(server.app, ADMIN_EMAIL, 'not the password at all');
      const unknown = await loginRequest(server.app, 'nobody@example.test', 'not the password at all');
      expectProblem(wrong, 'invalid_credentials');
      expectProblem(unknown, 'invalid_credentials');
      expect(comparable(unknown)).toEqual(comparable(wrong));
      expect(Object.keys(unknown.headers).sort()).toEqual(Object.keys(wrong.headers).sort());
    });

    it('an unknown account still costs one argon2id verification (the dummy hash)', async () => {
      await loginRequest(server.app, 'nobody@example.test', 'not the password at all');
      expect(verifications).toBe(1);
      await loginRequest(server.app, ADMIN_EMAIL, 'not the password at all');
      expect(verifications).toBe(2);
      // State afterwards: no account was created or touched by the probe.
      expect(await server.rampart.identity.users.findByEmail('nobody@example.test')).toBeUndefined();
    });

    it('an account in backoff answers the same 401 and still costs one verification', async () => {
      for (let i = 0; i < 5; i++) await loginRequest(server.app, ADMIN_EMAIL, `wrong password ${i}`);
      const before = verifications;
      const during = await loginRequest(server.app, ADMIN_EMAIL, 'not the password at all');
      const unknown = await loginRequest(server.app, 'nobody@example.test', 'not the password at all');
      expect(comparable(during)).toEqual(comparable(unknown));
      expect(verifications - before).toBe(2);
    });
  });
}
