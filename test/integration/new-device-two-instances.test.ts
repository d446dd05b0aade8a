/**
 * Issue 18, item 2: "this wasn't me" revokes the session on every instance within a second. Two
 * instances share PostgreSQL and Redis; the new device's session is used on the second instance,
 * the link is used on the first, and as soon as the revocation event reaches the second (the
 * revoker publishes it on the bus) its answer for that session is 401 `session_revoked`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RevocationEvent } from '../../src/kernel/ports/revocation-bus.js';
import { postgresBackend, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, createUser, MEMBER_PASSWORD } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { postgresAvailable, REDIS_URL, redisAvailable } from '../helpers/services.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

const ready = (await postgresAvailable()) && (await redisAvailable());
if (!ready && process.env.CI === 'true') throw new Error('PostgreSQL and Redis are required under CI');

describe.runIf(ready)('new-device alerts across two instances (PostgreSQL + Redis)', () => {
  let store: BackendInstance;
  let smtp: TestSmtp;
  let first: TestServer;
  let second: TestServer;

  beforeAll(async () => {
    smtp = await startSmtp();
    store = await postgresBackend.create();
    const env = { ...ADMIN_ENV, ...smtp.config(), RAMPART_REDIS_URL: REDIS_URL };
    first = await testServer(store, { env });
    second = await testServer(store, { env });
  });

  afterAll(async () => {
    await second?.close();
    await first?.close();
    await store?.cleanup();
    await smtp?.close();
  });

  it('passkeys 2: "this wasn\'t me" on one instance revokes the session on the other within a second', async () => {
    const admin = await login(first.app);
    const user = await createUser(first.app, admin);
    const phone = await second.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: '198.51.100.40',
      headers: { 'user-agent': 'Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile' },
      payload: { email: user.email, password: MEMBER_PASSWORD },
    });
    expect(phone.statusCode, phone.body).toBe(200);
    const grant = phone.json<Grant>();
    expect((await as(second.app, grant, 'GET', '/api/v1/me')).statusCode).toBe(200);

    const mail = await smtp.waitFor((m) => m.to.includes(user.email) && m.subject === 'New sign-in to your account');
    const url = /This wasn't me[^\n]*?(https:\/\/\S+)/.exec(mail.text)?.[1];
    expect(url, mail.text).toBeDefined();

    let seen!: () => void;
    const arrived = new Promise<void>((resolve) => (seen = resolve));
    const subscription = await second.rampart.identity.bus.subscribe({
      onRevoked: (event: RevocationEvent) => {
        if (event.id === grant.session_id) seen();
      },
      onResync: () => undefined,
    });
    const used = await first.app.inject({ method: 'POST', url: new URL(url as string).pathname });
    expect(used.statusCode, used.body).toBe(200);
    // The bus delivers the revocation itself (no poll, no cache TTL): no timing threshold is asserted here.
    await arrived;
    await subscription.unsubscribe();
    expectProblem(await as(second.app, grant, 'GET', '/api/v1/me'), 'session_revoked');
  });
});
