/**
 * Account lockout as denial of service (issue 13, item 7). The exploit: twenty wrong passwords
 * locked any account for 15 minutes, the right password included, and one attempt every 15
 * minutes kept it locked — so anyone who knew an email could keep its owner out. Now the
 * account-wide limit and backoff hold only devices that never signed in to the account: the
 * owner's device cookie (OWASP's device-cookie recommendation), a DPoP key or a known device
 * passes them, while the per-source limits still apply to everyone. Without any of those, a new
 * device is held until the attacker's 15-minute window ends — that is the untrusted-device
 * lockout, and it is asserted here. Untrusted attempts are counted before any hash, atomically,
 * so concurrent attempts cannot overshoot the budget (checked with the memory and the Redis limiter).
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeRsBackend, PasswordHasher } from '../../src/identity/accounts/crypto/password-hasher.js';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { secret } from '../../src/kernel/domain/secret.js';
import { backends, sqliteBackend, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD } from '../helpers/identity.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { deleteKeys, readyRedis } from '../helpers/redis.js';
import { REDIS_URL, redisAvailable } from '../helpers/services.js';

const OWNER_UA = 'Mozilla/5.0 (owner laptop)';
const WINDOW_MS = 15 * 60 * 1000;

interface Try {
  readonly email?: string;
  readonly password: string;
  readonly address: string;
  readonly userAgent?: string;
  readonly cookie?: string;
  readonly deviceToken?: string;
  readonly dpop?: string;
}

function attempt(server: TestServer, t: Try): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { 'user-agent': t.userAgent ?? 'attack-tool/1.0' };
  if (t.cookie !== undefined) headers.cookie = t.cookie;
  if (t.dpop !== undefined) headers.dpop = t.dpop;
  return server.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    remoteAddress: t.address,
    headers,
    payload: {
      email: t.email ?? ADMIN_EMAIL,
      password: t.password,
      ...(t.deviceToken === undefined ? {} : { device_token: t.deviceToken }),
    },
  });
}

/** The `rampart_device` cookie an answer sets, as a `Cookie` header value. */
function deviceCookie(response: LightMyRequestResponse): string {
  const setCookie = response.headers['set-cookie'];
  const lines = Array.isArray(setCookie) ? setCookie : [String(setCookie)];
  const line = lines.find((l) => l.startsWith('rampart_device=')) ?? '';
  expect(line).toMatch(/^rampart_device=rdt1\.[^;]+; Path=\/api\/v1\/auth; Max-Age=34560000; HttpOnly; SameSite=Strict; Secure$/);
  return line.split(';')[0] ?? '';
}

/** 100 sources × 10 wrong passwords: every source within its own limits. */
async function thousandWrongPasswords(server: TestServer, email = ADMIN_EMAIL): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  for (let source = 0; source < 100; source += 1) {
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => attempt(server, { email, password: `guess ${source}-${i}`, address: `198.18.${source}.1` })),
    );
    for (const answer of answers) statuses.set(answer.statusCode, (statuses.get(answer.statusCode) ?? 0) + 1);
  }
  return statuses;
}

async function sessionCount(server: TestServer, userId: string): Promise<number> {
  const row = await server.stored.db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

for (const backend of await backends()) {
  describe(`login lockout is no denial of service on ${backend.name}`, () => {
    let store: BackendInstance | undefined;
    let server: TestServer | undefined;
    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    async function start(env: Record<string, string> = {}, passwordHasher?: PasswordHasher) {
      store = await backend.create();
      const clock = new FakeClock(Date.now());
      const audit = new MemoryAuditLog();
      server = await testServer(store, {
        env: { ...ADMIN_ENV, ...env },
        clock,
        audit,
        ...(passwordHasher === undefined ? {} : { passwordHasher }),
      });
      return { server, clock, audit };
    }

    it('hardening 7: 1000 wrong passwords from 100 other addresses do not stop the owner who has a device cookie', async () => {
      const { server, audit } = await start();
      const first = await attempt(server, { password: ADMIN_PASSWORD, address: '192.0.2.10', userAgent: OWNER_UA });
      expect(first.statusCode, first.body).toBe(200);
      const cookie = deviceCookie(first);
      const token = first.json<{ device_token: string }>().device_token;
      expect(cookie).toBe(`rampart_device=${token}`);

      const statuses = await thousandWrongPasswords(server);
      // The account's 20 untrusted attempts of the window (the owner's first sign-in spent one) were
      // all that went on to the hasher; the other 981 were 429 before any hash.
      const reasons = audit
        .events()
        .filter((e) => e.action === 'auth.login' && e.result === 'failure')
        .map((e) => e.reason);
      expect(reasons.filter((r) => r === 'account_limited')).toHaveLength(981);
      const hashed = reasons.filter((r) => r !== 'account_limited');
      expect(hashed).toHaveLength(19);
      // Each got the 401 of a wrong password (or of the backoff), or 429 when its source's share of the hasher was in use.
      expect(new Set(hashed)).toEqual(new Set(hashed.filter((r) => r === 'wrong_password' || r === 'backoff' || r === 'hasher_busy')));
      expect((statuses.get(401) ?? 0) + (statuses.get(429) ?? 0)).toBe(1000);
      expect(statuses.get(401)).toBe(hashed.filter((r) => r !== 'hasher_busy').length);

      // The owner, from a new address (a phone on another network), with the device cookie: in.
      const withCookie = await attempt(server, { password: ADMIN_PASSWORD, address: '203.0.113.50', userAgent: 'phone', cookie });
      expect(withCookie.statusCode, withCookie.body).toBe(200);
      // A token-mode client sends the device token in the body instead.
      const withToken = await attempt(server, { password: ADMIN_PASSWORD, address: '203.0.113.51', userAgent: 'cli', deviceToken: token });
      expect(withToken.statusCode, withToken.body).toBe(200);
      // The owner's own laptop (same address and user agent as a past sign-in) passes too, cookie or not.
      const known = await attempt(server, { password: ADMIN_PASSWORD, address: '192.0.2.10', userAgent: OWNER_UA });
      expect(known.statusCode, known.body).toBe(200);
      expect(await server.rampart.identity.users.findByEmail(ADMIN_EMAIL)).toMatchObject({ failedLogins: 0, nextLoginAt: null });
    });

    it('hardening 7: without a device cookie, a new device is held for the rest of the 15-minute window, and no longer', async () => {
      const { server, clock, audit } = await start();
      const admin = await server.rampart.identity.users.findByEmail(ADMIN_EMAIL);
      for (let i = 0; i < 20; i += 1) await attempt(server, { password: `guess ${i}`, address: `198.18.${i}.1` });
      const sessions = await sessionCount(server, admin?.id ?? '');
      const held = await attempt(server, { password: ADMIN_PASSWORD, address: '203.0.113.60', userAgent: 'new laptop' });
      expectProblem(held, 'rate_limited');
      const retryAfter = Number(held.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(WINDOW_MS / 1000);
      expect(audit.events().at(-1)).toMatchObject({ action: 'auth.login', result: 'failure', reason: 'account_limited' });
      // Nothing opened for the refused attempt.
      expect(await sessionCount(server, admin?.id ?? '')).toBe(sessions);
      // The same answer for an email with no account: the limit tells nothing about existence.
      for (let i = 0; i < 20; i += 1)
        await attempt(server, { email: 'nobody@example.test', password: `guess ${i}`, address: `198.18.${i}.2` });
      expectProblem(await attempt(server, { email: 'nobody@example.test', password: 'x', address: '203.0.113.61' }), 'rate_limited');
      clock.advance(WINDOW_MS);
      const later = await attempt(server, { password: ADMIN_PASSWORD, address: '203.0.113.60', userAgent: 'new laptop' });
      expect(later.statusCode, later.body).toBe(200);
    });

    it('hardening 7: a DPoP key that signed in before passes the account-wide limit; a fresh key does not', async () => {
      const { server, clock } = await start();
      const url = 'https://rampart.example.test/api/v1/auth/login';
      const key = await generateKeyPair('EdDSA', { extractable: true });
      const jwk = await exportJWK(key.publicKey);
      const proof = (privateKey: (typeof key)['privateKey'], publicJwk: typeof jwk) =>
        new SignJWT({ htm: 'POST', htu: url, iat: Math.floor(clock.now() / 1000), jti: randomUUID() })
          .setProtectedHeader({ alg: 'EdDSA', typ: 'dpop+jwt', jwk: publicJwk })
          .sign(privateKey);
      const bound = await attempt(server, { password: ADMIN_PASSWORD, address: '192.0.2.20', dpop: await proof(key.privateKey, jwk) });
      expect(bound.statusCode, bound.body).toBe(200);
      const stored = await server.stored.db
        .selectFrom('sessions')
        .select('dpop_jkt')
        .where('id', '=', bound.json<{ session_id: string }>().session_id)
        .executeTakeFirstOrThrow();
      expect(stored.dpop_jkt).toBe(await calculateJwkThumbprint(jwk));
      for (let i = 0; i < 20; i += 1) await attempt(server, { password: `guess ${i}`, address: `198.18.${i}.1` });
      const again = await attempt(server, { password: ADMIN_PASSWORD, address: '203.0.113.70', dpop: await proof(key.privateKey, jwk) });
      expect(again.statusCode, again.body).toBe(200);
      const other = await generateKeyPair('EdDSA', { extractable: true });
      const stranger = await attempt(server, {
        password: ADMIN_PASSWORD,
        address: '203.0.113.71',
        dpop: await proof(other.privateKey, await exportJWK(other.publicKey)),
      });
      expectProblem(stranger, 'rate_limited');
    });

    it("hardening 7: another account's device token, a forged one, or one from before a password change earns nothing", async () => {
      const { server } = await start();
      const { users, hasher } = server.rampart.identity;
      await users.create({
        id: 'usr_00000000000000000000000000000abc',
        email: 'mallory@example.test',
        name: null,
        passwordHash: await hasher.hash(secret('mallory password 1')),
        now: Date.now(),
      });
      const mallory = await attempt(server, { email: 'mallory@example.test', password: 'mallory password 1', address: '198.51.100.9' });
      const malloryToken = mallory.json<{ device_token: string }>().device_token;
      const owner = await attempt(server, { password: ADMIN_PASSWORD, address: '192.0.2.10', userAgent: OWNER_UA });
      const ownerToken = owner.json<{ device_token: string }>().device_token;
      for (let i = 0; i < 20; i += 1) await attempt(server, { password: `guess ${i}`, address: `198.18.${i}.1` });
      expectProblem(
        await attempt(server, { password: ADMIN_PASSWORD, address: '198.51.100.9', deviceToken: malloryToken }),
        'rate_limited',
      );
      const forged = `${ownerToken.slice(0, -4)}AAAA`;
      expectProblem(await attempt(server, { password: ADMIN_PASSWORD, address: '198.51.100.10', deviceToken: forged }), 'rate_limited');
      // A password change (a reset after a compromise, say) ends the trust of every earlier device.
      const admin = await users.findByEmail(ADMIN_EMAIL);
      await server.stored.db
        .updateTable('users')
        .set({ password_changed_at: Date.now() + 1000 })
        .where('id', '=', admin?.id ?? '')
        .execute();
      expectProblem(await attempt(server, { password: ADMIN_PASSWORD, address: '198.51.100.11', deviceToken: ownerToken }), 'rate_limited');
    });

    it('hardening 7: 40 concurrent wrong attempts from 40 addresses cannot overshoot the account budget of 10', async () => {
      let realChecks = 0;
      let adminHash = '';
      const hasher = new PasswordHasher({
        backend: {
          ...nodeRsBackend,
          argon2Verify: (phc, password) => {
            if (phc === adminHash) realChecks += 1;
            return nodeRsBackend.argon2Verify(phc, password);
          },
        },
      });
      const { server } = await start({ RAMPART_LOGIN_ACCOUNT_LIMIT: '10' }, hasher);
      adminHash = (await server.rampart.identity.users.findByEmail(ADMIN_EMAIL))?.passwordHash ?? '';
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) => attempt(server, { password: `guess ${i}`, address: `198.18.${i}.3` })),
      );
      expect(answers.filter((a) => a.statusCode === 429)).toHaveLength(30);
      expect(answers.filter((a) => a.statusCode === 401)).toHaveLength(10);
      expect(realChecks).toBeLessThanOrEqual(10);
      const after = await server.rampart.identity.users.findByEmail(ADMIN_EMAIL);
      expect(after?.failedLogins).toBeLessThanOrEqual(10);
      expect(after?.failedLogins).toBe(realChecks);
    });
  });
}

describe('login lockout with the Redis limiter (shared by every instance)', async () => {
  const available = await redisAvailable();
  let store: BackendInstance | undefined;
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    await store?.cleanup();
  });

  it.runIf(available)(
    'hardening 7: concurrent wrong attempts cannot overshoot the account budget, and a device cookie still passes',
    async () => {
      store = await sqliteBackend.create();
      server = await testServer(store, { env: { ...ADMIN_ENV, RAMPART_REDIS_URL: REDIS_URL, RAMPART_LOGIN_ACCOUNT_LIMIT: '10' } });
      const email = `owner-${randomUUID()}@example.test`;
      const { users, hasher } = server.rampart.identity;
      await users.create({
        id: `usr_${randomUUID().replaceAll('-', '')}`,
        email,
        name: null,
        passwordHash: await hasher.hash(secret(ADMIN_PASSWORD)),
        now: Date.now(),
      });
      const redis = await readyRedis();
      try {
        const first = await attempt(server, { email, password: ADMIN_PASSWORD, address: '192.0.2.30', userAgent: OWNER_UA });
        expect(first.statusCode, first.body).toBe(200);
        const cookie = deviceCookie(first);
        const answers = await Promise.all(
          Array.from({ length: 40 }, (_, i) => attempt(server!, { email, password: `guess ${i}`, address: `198.19.${i}.3` })),
        );
        // The owner's first sign-in (from a new device) spent one of the 10: 9 reach a password check.
        expect(answers.filter((a) => a.statusCode === 429)).toHaveLength(31);
        expect(answers.filter((a) => a.statusCode === 401)).toHaveLength(9);
        expectProblem(await attempt(server, { email, password: ADMIN_PASSWORD, address: '203.0.113.80' }), 'rate_limited');
        const owner = await attempt(server, { email, password: ADMIN_PASSWORD, address: '203.0.113.81', cookie });
        expect(owner.statusCode, owner.body).toBe(200);
      } finally {
        for (const prefix of [
          'rampart:rl:login:ip:4:198.19.',
          'rampart:rl:login:ip-account:4:198.19.',
          'rampart:rl:login:ip:4:192.0.2.30',
          'rampart:rl:login:ip-account:4:192.0.2.30',
          'rampart:rl:login:ip:4:203.0.113.8',
          'rampart:rl:login:ip-account:4:203.0.113.8',
          'rampart:rl:login:account:',
          'rampart:rl:login:device:',
        ])
          await deleteKeys(redis, prefix);
        redis.disconnect();
      }
    },
  );
});
