/**
 * Passkeys (issue 18 item 1) in real Chromium: Debian's browser driven by playwright-core, the
 * DevTools virtual authenticator (CTAP2, internal, resident keys, user verification) answering
 * `navigator.credentials.create/get` on a page the test Rampart serves itself
 * (test/fixtures/webauthn/page.html), so every ceremony is the browser's own: its clientDataJSON,
 * its origin, its RP ID checks, the authenticator's signature counter.
 *
 * Cases: register; sign in with an email; sign in without a username (discoverable); a passkey as
 * the second factor after a password; a step-up with a passkey; a cloned authenticator (the credential exported with
 * `WebAuthn.getCredentials`, re-added to a second authenticator, used with a lower counter →
 * refused and raised as a `security.alert`); a challenge replayed; an assertion made on another
 * origin for another RP ID (`evil.localhost`: the credential copied to it, as a phishing page would
 * have it); a credential of another user (refused, nothing changed). The ceremonies run on SQLite here;
 * test/integration/passkeys.test.ts runs the storage rules and the same attacks on both backends.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteBackend, type BackendInstance } from '../helpers/backends.js';
import { chromiumAvailable, launchChromium, newPage, virtualAuthenticator, type VirtualAuthenticator } from '../helpers/chromium.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { createUser, MEMBER_PASSWORD, type OrgUser } from '../helpers/orgs.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'webauthn');
const PAGE_CSP = "default-src 'none'; script-src 'self'; connect-src 'self'";

interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
}
/** What page.js puts on the page's global object (evaluated in the browser: no closure reaches it). */
interface TestPage {
  rampart: {
    register(token: string, name?: string): Promise<ApiAnswer>;
    assertion(optionsBody?: object, overrides?: object): Promise<{ options: ApiAnswer; response?: Record<string, unknown> }>;
    signIn(optionsBody?: object): Promise<ApiAnswer>;
    verify(body: object): Promise<ApiAnswer>;
    login(email: string, password: string): Promise<ApiAnswer>;
    stepUp(token: string): Promise<ApiAnswer>;
  };
}

/** A free loopback port: the public URL (and so the RP ID and origin) must name it before the start. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The test page, served by Rampart on its own origin with a CSP that allows only its script. */
function pageRoutes(app: FastifyInstance): Promise<void> {
  const files: Record<string, { type: string; body: string }> = {
    '/test/webauthn/': { type: 'text/html; charset=utf-8', body: readFileSync(join(FIXTURES, 'page.html'), 'utf8') },
    '/test/webauthn/page.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(join(FIXTURES, 'page.js'), 'utf8') },
  };
  for (const [url, file] of Object.entries(files)) {
    app.get(url, { config: { access: 'public' }, schema: { hide: true } }, (_request, reply) =>
      reply.type(file.type).header('content-security-policy', PAGE_CSP).send(file.body),
    );
  }
  return Promise.resolve();
}

const hasChromium = chromiumAvailable();

describe.skipIf(!hasChromium)('passkeys in Chromium with the virtual authenticator (sqlite)', () => {
  let instance: BackendInstance;
  let server: TestServer;
  let browser: Browser;
  let admin: Grant;
  let origin: string;

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://localhost:${port}`;
    instance = await sqliteBackend.create();
    server = await testServer(instance, {
      env: { ...ADMIN_ENV, RAMPART_PUBLIC_URL: origin, RAMPART_LOGIN_RATE_LIMIT: '1000', RAMPART_RATE_LIMIT: '10000' },
      routes: pageRoutes,
    });
    await server.app.listen({ port, host: '127.0.0.1' });
    browser = await launchChromium();
    admin = await login(server.app);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await instance?.cleanup();
  });

  /** A page on `at` (default: the configured origin) with its own virtual authenticator. */
  async function device(at = origin): Promise<{ page: Page; authenticator: VirtualAuthenticator; close(): Promise<void> }> {
    const { context, page } = await newPage(browser);
    const authenticator = await virtualAuthenticator(page);
    await page.goto(`${at}/test/webauthn/`);
    return { page, authenticator, close: () => context.close() };
  }

  const register = (page: Page, user: OrgUser, name = 'Browser passkey'): Promise<ApiAnswer> =>
    page.evaluate(([token, n]) => (globalThis as unknown as TestPage).rampart.register(token, n), [user.grant.access_token, name] as const);
  const signIn = (page: Page, body?: object): Promise<ApiAnswer> =>
    page.evaluate((b) => (globalThis as unknown as TestPage).rampart.signIn(b), body);

  async function storedPasskeys(userId: string): Promise<{ id: string; sign_count: number }[]> {
    const rows = await server.stored.db.selectFrom('passkeys').select(['id', 'sign_count']).where('user_id', '=', userId).execute();
    return rows.map((r) => ({ id: r.id, sign_count: Number(r.sign_count) }));
  }

  async function auditReasons(action: string): Promise<{ reason: string | null; resource: string }[]> {
    const log = (server.rampart.audit as unknown as { inner: { integrate(): Promise<unknown> } }).inner;
    await log.integrate();
    return server.stored.db.selectFrom('audit_entries').select(['reason', 'resource']).where('action', '=', action).execute();
  }

  it('passkeys 1: registers a passkey from the browser, signs in with an email and without a username', async () => {
    const user = await createUser(server.app, admin);
    const phone = await device();
    try {
      const created = await register(phone.page, user, 'Chromium');
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body).toMatchObject({ name: 'Chromium', transports: ['internal'] });
      const [credential] = await phone.authenticator.credentials();
      expect(credential?.isResidentCredential).toBe(true);
      expect(credential?.rpId).toBe('localhost');

      const withEmail = await signIn(phone.page, { email: user.email });
      expect(withEmail.status, JSON.stringify(withEmail.body)).toBe(200);
      expect(withEmail.body).toMatchObject({ user: { id: user.id }, token_type: 'Bearer' });

      const usernameless = await signIn(phone.page);
      expect(usernameless.status, JSON.stringify(usernameless.body)).toBe(200);
      expect(usernameless.body).toMatchObject({ user: { id: user.id } });
      expect((await storedPasskeys(user.id))[0]?.sign_count).toBe((await phone.authenticator.credentials())[0]?.signCount);
    } finally {
      await phone.close();
    }
  });

  it('passkeys 2: after a password login the passkey is the second factor and opens the session', async () => {
    const user = await createUser(server.app, admin);
    const phone = await device();
    try {
      expect((await register(phone.page, user)).status).toBe(201);
      const first = await phone.page.evaluate(([e, p]) => (globalThis as unknown as TestPage).rampart.login(e, p), [
        user.email,
        MEMBER_PASSWORD,
      ] as const);
      expect(first.body).toMatchObject({ mfa_required: true, methods: ['passkey'] });
      const second = await signIn(phone.page, { mfa_token: first.body.mfa_token });
      expect(second.status, JSON.stringify(second.body)).toBe(200);
      expect(second.body).toMatchObject({ user: { id: user.id }, token_type: 'Bearer' });
    } finally {
      await phone.close();
    }
  });

  it("passkeys 3: a passkey assertion steps the caller's session up", async () => {
    const user = await createUser(server.app, admin);
    const phone = await device();
    try {
      expect((await register(phone.page, user)).status).toBe(201);
      const stepped = await phone.page.evaluate(
        (token) => (globalThis as unknown as TestPage).rampart.stepUp(token),
        user.grant.access_token,
      );
      expect(stepped.status, JSON.stringify(stepped.body)).toBe(200);
      expect(stepped.body).toMatchObject({ method: 'passkey' });
      const session = await server.stored.db
        .selectFrom('sessions')
        .select('authenticated_at')
        .where('id', '=', user.grant.session_id)
        .executeTakeFirstOrThrow();
      expect(Date.parse(String(stepped.body.fresh_until)) - Number(session.authenticated_at)).toBe(
        server.rampart.config.stepUpWindow * 1000,
      );
    } finally {
      await phone.close();
    }
  });

  it('passkeys 1: a challenge replayed is refused, nothing changed', async () => {
    const user = await createUser(server.app, admin);
    const phone = await device();
    try {
      expect((await register(phone.page, user)).status).toBe(201);
      const { response } = await phone.page.evaluate(() => (globalThis as unknown as TestPage).rampart.assertion({}));
      expect(response).toBeDefined();
      const first = await phone.page.evaluate((r) => (globalThis as unknown as TestPage).rampart.verify({ response: r }), response);
      expect(first.status).toBe(200);
      const before = await storedPasskeys(user.id);
      const replayed = await phone.page.evaluate((r) => (globalThis as unknown as TestPage).rampart.verify({ response: r }), response);
      expect(replayed.status).toBe(401);
      expect(replayed.body).toMatchObject({ code: 'invalid_credentials' });
      expect(await storedPasskeys(user.id)).toEqual(before);
    } finally {
      await phone.close();
    }
  });

  it('passkeys 1: a cloned authenticator (its counter goes backwards) is refused and raised as a security.alert', async () => {
    const user = await createUser(server.app, admin);
    const original = await device();
    const clone = await device();
    try {
      expect((await register(original.page, user)).status).toBe(201);
      expect((await signIn(original.page)).status).toBe(200);
      // The credential, private key and counter included, as an attacker copying the authenticator gets it.
      const [exported] = await original.authenticator.credentials();
      if (exported === undefined) throw new Error('no credential to export');
      await clone.authenticator.addCredential(exported);
      for (let i = 0; i < 2; i += 1) expect((await signIn(original.page)).status).toBe(200);
      const stored = await storedPasskeys(user.id);
      const refused = await signIn(clone.page);
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ code: 'invalid_credentials' });
      expect(await storedPasskeys(user.id)).toEqual(stored);
      const passkeyId = stored[0]?.id ?? '';
      expect((await auditReasons('passkey.authenticate')).filter((e) => e.resource === passkeyId).map((e) => e.reason)).toContain(
        'counter_regression',
      );
      expect((await auditReasons('security.alert')).filter((e) => e.resource === passkeyId).map((e) => e.reason)).toEqual([
        'cloned_authenticator',
      ]);
    } finally {
      await original.close();
      await clone.close();
    }
  });

  it('passkeys 1: an assertion made on another origin for another RP ID (a phishing page) is refused', async () => {
    const user = await createUser(server.app, admin);
    const phone = await device();
    // Same server, reached as http://evil.localhost:<port>: a secure context on an origin Rampart does not list.
    const phish = await device(origin.replace('localhost', 'evil.localhost'));
    try {
      expect((await register(phone.page, user)).status).toBe(201);
      const [credential] = await phone.authenticator.credentials();
      if (credential === undefined) throw new Error('no credential');
      const before = await storedPasskeys(user.id);
      // The browser itself refuses our RP ID on that origin (`localhost` is not a registrable suffix of
      // `evil.localhost`); what a phishing page can get is an assertion for its own RP ID, with a copied key.
      // The same key, valid for the phishing page's own RP ID: what a relayed or copied credential signs with there.
      await phish.authenticator.addCredential({ ...credential, rpId: 'evil.localhost' });
      const otherRp = await phish.page.evaluate(() =>
        (globalThis as unknown as TestPage).rampart.assertion({}, { rpId: 'evil.localhost' }),
      );
      const wrongRp = await phish.page.evaluate(
        (r) => (globalThis as unknown as TestPage).rampart.verify({ response: r }),
        otherRp.response,
      );
      expect(wrongRp.status).toBe(401);
      expect(wrongRp.body).toMatchObject({ code: 'invalid_credentials' });
      expect(await storedPasskeys(user.id)).toEqual(before);
      const reasons = (await auditReasons('passkey.authenticate')).filter((e) => e.resource === before[0]?.id).map((e) => e.reason);
      expect(reasons).toEqual(['wrong_origin']);
    } finally {
      await phone.close();
      await phish.close();
    }
  });

  it("passkeys 1: a credential of another user is refused for that user's sign-in, nothing changed", async () => {
    const victim = await createUser(server.app, admin);
    const attacker = await createUser(server.app, admin);
    const victimPhone = await device();
    const attackerPhone = await device();
    try {
      expect((await register(victimPhone.page, victim)).status).toBe(201);
      expect((await register(attackerPhone.page, attacker)).status).toBe(201);
      const before = [await storedPasskeys(victim.id), await storedPasskeys(attacker.id)];
      const refused = await signIn(attackerPhone.page, { email: victim.email });
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ code: 'invalid_credentials' });
      expect([await storedPasskeys(victim.id), await storedPasskeys(attacker.id)]).toEqual(before);
      const sessions = await server.stored.db.selectFrom('sessions').select('id').where('user_id', '=', victim.id).execute();
      expect(sessions).toHaveLength(1);
    } finally {
      await victimPhone.close();
      await attackerPhone.close();
    }
  });
});
