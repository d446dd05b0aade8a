/**
 * Account enumeration through registration (issue 13, item 12, the registration part). The
 * exploit: `POST /api/v1/auth/register` answered 409 for a taken email, so anyone could test a
 * list of emails for accounts without a single login attempt. Now a taken email gets exactly
 * the answer of a new one (201, the same body shape, a fresh id that names no account), after
 * the same password hash; no account is created or changed, and the attempt is audited and
 * handed to the notice seam (the owner's mail, once Rampart sends mail).
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { PasswordHasher } from '../../src/identity/accounts/crypto/password-hasher.js';
import { PasswordPolicy } from '../../src/identity/accounts/domain/password-policy.js';
import { SelfRegistration } from '../../src/identity/accounts/services/self-registration.js';
import type { User } from '../../src/identity/accounts/domain/user.js';
import { secret } from '../../src/kernel/domain/secret.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_EMAIL, ADMIN_ENV } from '../helpers/identity.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const PASSWORD = 'a long enough new password 7';

/** Everything of an answer but what differs per request by design. */
function shape(response: LightMyRequestResponse): unknown {
  const headers = { ...response.headers };
  for (const name of ['x-request-id', 'date', 'ratelimit-remaining', 'ratelimit-reset', 'content-length']) delete headers[name];
  const body = response.json<Record<string, unknown>>();
  return { status: response.statusCode, headers, keys: Object.keys(body).sort(), status_field: body.status, name: body.name };
}

for (const backend of await backends()) {
  describe(`registration enumeration on ${backend.name}`, () => {
    let store: BackendInstance | undefined;
    let server: TestServer | undefined;
    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('hardening 12: a taken email is answered exactly as a new one, and nothing changes', async () => {
      store = await backend.create();
      const audit = new MemoryAuditLog();
      server = await testServer(store, { env: { ...ADMIN_ENV, RAMPART_SELF_REGISTRATION: 'true' }, audit });
      const register = (email: string) =>
        server!.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { email, password: PASSWORD, name: 'Eve' } });
      const { users } = server.rampart.identity;
      const before = await users.findByEmail(ADMIN_EMAIL);
      const count = await users.count();

      const fresh = await register('new-person@example.test');
      const taken = await register(ADMIN_EMAIL.toUpperCase());
      expect(fresh.statusCode, fresh.body).toBe(201);
      expect(shape(taken)).toEqual(shape(fresh));
      const body = taken.json<{ id: string; email: string }>();
      expect(body.email).toBe(ADMIN_EMAIL);
      // Nothing revealed: not the owner's id, name or creation time.
      expect(body.id).not.toBe(before?.id);
      expect(body.id).toMatch(/^usr_[0-9a-f]{32}$/);
      expect(await users.findById(body.id)).toBeUndefined();
      // Nothing changed: one account more (the fresh one), the owner's row as it was.
      expect(await users.count()).toBe(count + 1);
      expect(await users.findByEmail(ADMIN_EMAIL)).toEqual(before);
      const entries = audit.events().filter((e) => e.action === 'user.register');
      expect(entries.map((e) => [e.result, e.reason ?? null, e.subject])).toEqual([
        ['success', null, fresh.json<{ id: string }>().id],
        ['failure', 'email_taken', before?.id],
      ]);
      expect(JSON.stringify(audit.events())).not.toContain(PASSWORD);
    });
  });
}

describe('the registration notice seam', () => {
  it('hardening 12: the owner of a taken email is handed to the notices (a mailer later), and a failing notice changes no answer', async () => {
    const { MemoryUserStore } = await import('../../src/identity/accounts/adapters/memory-user-store.js');
    const users = new MemoryUserStore();
    const hasher = new PasswordHasher({ parameters: { memoryCost: 64, timeCost: 1, parallelism: 1 } });
    await users.create({
      id: 'usr_owner',
      email: 'owner@example.test',
      name: 'Owner',
      passwordHash: await hasher.hash(secret(PASSWORD)),
      now: 1,
    });
    const told: User[] = [];
    const context = { ip: '192.0.2.1', userAgent: undefined, requestId: 'req-1' };
    const registration = (fail: boolean) =>
      new SelfRegistration({
        enabled: true,
        users,
        hasher,
        policy: new PasswordPolicy({ commonPasswords: new Set() }),
        audit: new MemoryAuditLog(),
        clock: { now: () => 1000 },
        notices: {
          emailTaken: (owner) => {
            told.push(owner);
            return fail ? Promise.reject(new Error('smtp down')) : Promise.resolve();
          },
        },
      });
    const answer = await registration(false).register({ email: 'Owner@example.test', password: secret(PASSWORD) }, context);
    expect(told.map((u) => u.id)).toEqual(['usr_owner']);
    expect(answer).toMatchObject({ email: 'owner@example.test', status: 'active', createdAt: 1000 });
    await expect(registration(true).register({ email: 'owner@example.test', password: secret(PASSWORD) }, context)).resolves.toMatchObject({
      email: 'owner@example.test',
    });
    expect(await users.count()).toBe(1);
  });
});
