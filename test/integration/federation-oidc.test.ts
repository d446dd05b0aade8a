/**
 * Issue 17 item 2 (and 6): sign-in with OIDC and OAuth providers against a real OpenID Provider
 * (`oidc-provider`, test/helpers/oidc-provider.ts) on loopback, the whole browser-less flow, on
 * SQLite and PostgreSQL. The attacks — a forged `state`, a replayed code, a wrong `nonce`, an ID
 * token from another issuer or for another audience (swapped in by a token-endpoint proxy), an
 * unverified email at the provider, the takeover of a verified account through an unverified
 * email — each check the refusal AND that no account, identity or session was created.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_EMAIL, ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { confirmTotp, startTotp, totpCode } from '../helpers/mfa.js';
import { COOKIE_SHAPE } from '../helpers/browser.js';
import { startOidcProvider, type TestOidcProvider } from '../helpers/oidc-provider.js';
import { expectProblem } from '../helpers/problems.js';
import { testConfig, testServer, type TestServer } from '../helpers/rampart.js';
import { federationDoctorChecks } from '../../src/federation/doctor.js';

const PUBLIC_URL = ADMIN_ENV.RAMPART_PUBLIC_URL ?? '';
const CLIENT_SECRET = 'acme-client-secret-0123456789abcdef';
const callbackOf = (name: string): string => `${PUBLIC_URL}/api/v1/auth/oidc/${name}/callback`;
const NAMES = ['acme', 'closed', 'swap-aud', 'swap-iss', 'plain'];

let op: TestOidcProvider;
let other: TestOidcProvider;
/** The ID token the proxy puts in the next token answer in place of the provider's. */
let swapIdToken: string | undefined;
let proxy: Server;
let proxyUrl: string;

function clientsFor(id: string): { client_id: string; client_secret: string; redirect_uris: string[] }[] {
  return [
    { client_id: id, client_secret: CLIENT_SECRET, redirect_uris: NAMES.map(callbackOf) },
    { client_id: 'someone-else', client_secret: CLIENT_SECRET, redirect_uris: ['https://elsewhere.example.test/cb'] },
  ];
}

/** A token endpoint in front of `op`'s that answers the provider's answer with `swapIdToken` put in. */
function startProxy(): Promise<void> {
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const upstream = httpRequest(
        `${op.issuer}/token`,
        { method: 'POST', headers: { ...req.headers, host: `127.0.0.1:${op.port}` } },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (c: Buffer) => body.push(c));
          answer.on('end', () => {
            const json = JSON.parse(Buffer.concat(body).toString('utf8')) as Record<string, unknown>;
            if (swapIdToken !== undefined && typeof json.id_token === 'string') json.id_token = swapIdToken;
            res.writeHead(answer.statusCode ?? 500, { 'content-type': 'application/json', 'cache-control': 'no-store' });
            res.end(JSON.stringify(json));
          });
        },
      );
      upstream.end(Buffer.concat(chunks));
    });
  });
  return new Promise((resolve) =>
    proxy.listen(0, '127.0.0.1', () => {
      proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      resolve();
    }),
  );
}

beforeAll(async () => {
  op = await startOidcProvider({
    clients: clientsFor('rampart'),
    accounts: [
      { sub: 'alice', email: 'alice@example.test', email_verified: true, name: 'Alice' },
      { sub: 'unverified', email: 'bob@example.test', email_verified: false },
      { sub: 'mallory', email: ADMIN_EMAIL, email_verified: false },
      { sub: 'admin-at-op', email: ADMIN_EMAIL, email_verified: true },
    ],
  });
  other = await startOidcProvider({
    clients: clientsFor('rampart'),
    accounts: [{ sub: 'alice', email: 'alice@example.test', email_verified: true }],
  });
  await startProxy();
});

afterAll(async () => {
  await op.close();
  await other.close();
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
});

function providersJson(): string {
  const base = { client_id: 'rampart', client_secret: CLIENT_SECRET };
  const swapped = {
    ...base,
    issuer: op.issuer,
    authorization_endpoint: `${op.issuer}/auth`,
    token_endpoint: `${proxyUrl}/token`,
    userinfo_endpoint: `${op.issuer}/me`,
    jwks_uri: op.jwksUri,
  };
  return JSON.stringify({
    acme: { ...base, issuer: op.issuer, provision: true, display_name: 'Acme ID' },
    closed: { ...base, issuer: op.issuer, provision: false },
    'swap-aud': swapped,
    'swap-iss': swapped,
    // A plain OAuth 2 provider (no ID token checks of ours): explicit endpoints and a profile mapping.
    plain: {
      ...base,
      kind: 'oauth2',
      issuer: op.issuer,
      authorization_endpoint: `${op.issuer}/auth`,
      token_endpoint: `${op.issuer}/token`,
      scopes: ['openid', 'email'],
      provision: true,
      profile: { user_url: `${op.issuer}/me`, subject: 'sub', email: 'email', email_verified: 'email_verified' },
    },
  });
}

function env(): Record<string, string> {
  const ports = [op.port, other.port, Number(new URL(proxyUrl).port)];
  return {
    ...ADMIN_ENV,
    RAMPART_OIDC_PROVIDERS: providersJson(),
    RAMPART_OUTBOUND_ALLOW_CIDRS: '127.0.0.0/8',
    RAMPART_OUTBOUND_PORTS: ports.join(','),
  };
}

interface Started {
  readonly location: string;
  readonly cookie: string;
}

function setCookies(response: LightMyRequestResponse): string[] {
  const raw = response.headers['set-cookie'];
  return raw === undefined ? [] : [raw].flat();
}

async function start(app: FastifyInstance, name = 'acme', mode: 'token' | 'cookie' = 'token'): Promise<Started> {
  const response = await app.inject({ method: 'GET', url: `/api/v1/auth/oidc/${name}/start?mode=${mode}` });
  expect(response.statusCode, response.body).toBe(302);
  const line = setCookies(response).find((c) => c.startsWith('__Host-rampart_oidc='));
  expect(line).toMatch(/; Path=\/; Max-Age=600; Secure; HttpOnly; SameSite=Lax$/);
  return { location: String(response.headers.location), cookie: (line ?? '').split(';')[0] ?? '' };
}

function callback(app: FastifyInstance, back: URL, cookie: string, name = 'acme'): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'GET', url: `/api/v1/auth/oidc/${name}/callback${back.search}`, headers: { cookie } });
}

/** The whole flow: start, sign in at the provider as `account`, come back. */
async function signIn(
  app: FastifyInstance,
  account: string,
  name = 'acme',
  mode: 'token' | 'cookie' = 'token',
): Promise<LightMyRequestResponse> {
  const started = await start(app, name, mode);
  const back = await op.authorize(started.location, account);
  return callback(app, back, started.cookie, name);
}

interface Counts {
  readonly users: number;
  readonly identities: number;
  readonly sessions: number;
}

async function counts(server: TestServer): Promise<Counts> {
  const db = server.stored.db;
  const n = async (table: 'users' | 'external_identities' | 'sessions'): Promise<number> =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { users: await n('users'), identities: await n('external_identities'), sessions: await n('sessions') };
}

async function verifyEmail(server: TestServer, email: string): Promise<void> {
  await server.stored.db.updateTable('users').set({ email_verified_at: Date.now() }).where('email', '=', email).execute();
}

/** Code flow for any client straight at a provider, as a relying party would: the ID token it gets. */
async function idTokenFrom(
  provider: TestOidcProvider,
  clientId: string,
  redirectUri: string,
  account: string,
  nonce: string,
): Promise<string> {
  const verifier = 'v'.repeat(43);
  const challenge = (await import('node:crypto')).createHash('sha256').update(verifier).digest('base64url');
  const url = new URL(`${provider.issuer}/auth`);
  url.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid email',
    nonce,
    state: 'attacker-state',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  const back = await provider.authorize(url.href, account);
  const code = back.searchParams.get('code') ?? '';
  const answer = await fetch(`${provider.issuer}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${CLIENT_SECRET}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }).toString(),
  });
  const json = (await answer.json()) as { id_token?: string };
  if (json.id_token === undefined) throw new Error(`no ID token: ${JSON.stringify(json)}`);
  return json.id_token;
}

async function auditActions(server: TestServer, action: string): Promise<{ result: string; reason: string | null }[]> {
  const rows = await server.stored.db.selectFrom('audit_entries').selectAll().where('action', '=', action).execute();
  return rows.map((row) => {
    const entry = JSON.parse(String((row as { leaf?: unknown }).leaf ?? '{}')) as { reason?: string };
    return { result: String((row as { result?: unknown }).result), reason: entry.reason ?? null };
  });
}

describe.each(await backends())('federation: OIDC sign-in on %s', (backend) => {
  let instance: BackendInstance;
  let server: TestServer;

  beforeAll(async () => {
    instance = await backend.create();
    server = await testServer(instance, { env: env() });
  });

  afterAll(async () => {
    await server.close();
    await instance.cleanup();
  });

  /** Runs `attack` and checks that no account, identity or session came of it. */
  async function nothingCreated(attack: () => Promise<void>): Promise<void> {
    const before = await counts(server);
    await attack();
    expect(await counts(server)).toEqual(before);
  }

  it('federation 2: the configured providers are listed for a login page, without secrets', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/api/v1/auth/oidc' });
    expect(response.statusCode).toBe(200);
    expect(response.json<{ items: unknown[] }>().items[0]).toEqual({
      name: 'acme',
      display_name: 'Acme ID',
      kind: 'oidc',
      start_url: '/api/v1/auth/oidc/acme/start',
    });
    expect(response.body).not.toContain(CLIENT_SECRET);
  });

  it('federation 2: a plain OAuth 2 provider signs in through its profile mapping', async () => {
    op.setAccount({ sub: 'oauth-user', email: 'oauth-user@example.test', email_verified: true });
    const response = await signIn(server.app, 'oauth-user', 'plain');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<Grant>().user.email).toBe('oauth-user@example.test');
    const row = await server.stored.db
      .selectFrom('external_identities')
      .selectAll()
      .where('provider', '=', 'oidc:plain')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ subject: 'oauth-user', email_verified: 1 });
  });

  it('federation 2: start redirects with PKCE S256, state, nonce and the exact redirect URI', async () => {
    const started = await start(server.app);
    const url = new URL(started.location);
    expect(url.origin + url.pathname).toBe(`${op.issuer}/auth`);
    expect(url.searchParams.get('redirect_uri')).toBe(callbackOf('acme'));
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The cookie is sealed: neither the state nor the verifier can be read from it.
    expect(started.cookie).not.toContain(url.searchParams.get('state'));
    expectProblem(await server.app.inject({ method: 'GET', url: '/api/v1/auth/oidc/nope/start' }), 'not_found');
  });

  it('federation 2: a first sign-in with a provider-verified email creates the account, email verified, and answers a token grant', async () => {
    const before = await counts(server);
    const response = await signIn(server.app, 'alice');
    expect(response.statusCode, response.body).toBe(200);
    const grant = response.json<Grant>();
    expect(grant.user.email).toBe('alice@example.test');
    expect(response.headers['cache-control']).toBe('no-store');
    const row = await server.stored.db.selectFrom('users').selectAll().where('id', '=', grant.user.id).executeTakeFirstOrThrow();
    expect(row.email_verified_at).not.toBeNull();
    expect(row.password_hash).toBeNull();
    expect(await counts(server)).toEqual({ users: before.users + 1, identities: before.identities + 1, sessions: before.sessions + 1 });
    // Again: the linked identity signs in the same account, creating nothing.
    const again = await signIn(server.app, 'alice');
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json<Grant>().user.id).toBe(grant.user.id);
    expect((await counts(server)).users).toBe(before.users + 1);
    await vi.waitFor(
      async () => expect(await auditActions(server, 'federation.provision')).toContainEqual({ result: 'success', reason: null }),
      { timeout: 5000 },
    );
  });

  it('federation 2: cookie mode answers a browser session, proven by the state cookie instead of an Origin', async () => {
    const response = await signIn(server.app, 'alice', 'acme', 'cookie');
    expect(response.statusCode, response.body).toBe(200);
    const session = setCookies(response).find((c) => c.startsWith('__Host-rampart_session='));
    expect(session).toMatch(COOKIE_SHAPE);
    expect(response.json<{ csrf_token: string }>().csrf_token).toEqual(expect.any(String));
    // The state cookie is spent.
    expect(setCookies(response)).toContain('__Host-rampart_oidc=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax');
  });

  it('federation 2: a forged state is refused before the provider is asked, and nothing is created', async () => {
    await nothingCreated(async () => {
      const started = await start(server.app);
      const back = await op.authorize(started.location, 'alice');
      back.searchParams.set('state', 'forged-state-forged-state-forged-state-0000');
      expectProblem(await callback(server.app, back, started.cookie), 'csrf_failed');
      // No state cookie at all (a callback in another browser): refused the same way.
      expectProblem(await callback(server.app, back, ''), 'csrf_failed');
      // A state cookie of another provider.
      const otherStart = await start(server.app, 'closed');
      back.searchParams.set('state', new URL(otherStart.location).searchParams.get('state') ?? '');
      expectProblem(await callback(server.app, back, otherStart.cookie), 'csrf_failed');
    });
    await vi.waitFor(
      async () => expect(await auditActions(server, 'federation.sign_in')).toContainEqual({ result: 'failure', reason: 'state_mismatch' }),
      { timeout: 5000 },
    );
  });

  it('federation 2: a replayed code is refused, and no second session is opened', async () => {
    const started = await start(server.app);
    const back = await op.authorize(started.location, 'alice');
    const first = await callback(server.app, back, started.cookie);
    expect(first.statusCode, first.body).toBe(200);
    await nothingCreated(async () => {
      expectProblem(await callback(server.app, back, started.cookie), 'invalid_credentials');
    });
  });

  it('federation 2: a wrong nonce in the ID token is refused, and nothing is created', async () => {
    await nothingCreated(async () => {
      const started = await start(server.app);
      const url = new URL(started.location);
      url.searchParams.set('nonce', 'another-nonce-than-the-one-in-the-cookie-000');
      const back = await op.authorize(url.href, 'alice');
      expectProblem(await callback(server.app, back, started.cookie), 'invalid_credentials');
    });
  });

  it('federation 2: an ID token for another audience is refused, and nothing is created', async () => {
    await nothingCreated(async () => {
      const started = await start(server.app, 'swap-aud');
      const nonce = new URL(started.location).searchParams.get('nonce') ?? '';
      swapIdToken = await idTokenFrom(op, 'someone-else', 'https://elsewhere.example.test/cb', 'alice', nonce);
      try {
        const back = await op.authorize(started.location, 'alice');
        expectProblem(await callback(server.app, back, started.cookie, 'swap-aud'), 'invalid_credentials');
      } finally {
        swapIdToken = undefined;
      }
    });
  });

  it('federation 2: an ID token from another issuer is refused, and nothing is created', async () => {
    await nothingCreated(async () => {
      const started = await start(server.app, 'swap-iss');
      const nonce = new URL(started.location).searchParams.get('nonce') ?? '';
      swapIdToken = await idTokenFrom(other, 'rampart', callbackOf('swap-iss'), 'alice', nonce);
      try {
        const back = await op.authorize(started.location, 'alice');
        expectProblem(await callback(server.app, back, started.cookie, 'swap-iss'), 'invalid_credentials');
      } finally {
        swapIdToken = undefined;
      }
    });
  });

  it('federation 2: a provider that says email_verified false gets no account, and nothing is created', async () => {
    await nothingCreated(async () => {
      expectProblem(await signIn(server.app, 'unverified'), 'forbidden');
    });
    await vi.waitFor(
      async () =>
        expect(await auditActions(server, 'federation.sign_in')).toContainEqual({ result: 'failure', reason: 'email_unverified' }),
      { timeout: 5000 },
    );
  });

  it('federation 2: a provider that does not provision creates no account for a verified email', async () => {
    op.setAccount({ sub: 'newcomer', email: 'newcomer@example.test', email_verified: true });
    await nothingCreated(async () => {
      expectProblem(await signIn(server.app, 'newcomer', 'closed'), 'forbidden');
    });
  });

  it('federation 2: an account whose email Rampart has not verified is not linked, even to a provider-verified email', async () => {
    await server.stored.db.updateTable('users').set({ email_verified_at: null }).where('email', '=', ADMIN_EMAIL).execute();
    await nothingCreated(async () => {
      const refused = expectProblem(await signIn(server.app, 'admin-at-op'), 'conflict');
      expect(refused.detail).toContain('/api/v1/me/identities');
    });
  });

  it('federation 2: the takeover of a verified account through an unverified email at the provider is refused', async () => {
    await verifyEmail(server, ADMIN_EMAIL);
    await nothingCreated(async () => {
      const refused = expectProblem(await signIn(server.app, 'mallory'), 'conflict');
      expect(refused.detail).toContain('/api/v1/me/identities');
    });
    await vi.waitFor(
      async () =>
        expect(await auditActions(server, 'federation.sign_in')).toContainEqual({ result: 'failure', reason: 'takeover_refused' }),
      { timeout: 5000 },
    );
    expect(await server.stored.db.selectFrom('external_identities').selectAll().where('subject', '=', 'mallory').execute()).toEqual([]);
  });

  it('federation 2: verified on both sides links the existing account, and MFA is still required', async () => {
    const admin = await login(server.app);
    const started = await startTotp(server.app, admin.access_token);
    const { secret } = started.json<{ secret: string }>();
    expect((await confirmTotp(server.app, admin.access_token, totpCode(secret, Date.now()))).statusCode).toBe(200);
    const sessions = (await counts(server)).sessions;
    const response = await signIn(server.app, 'admin-at-op');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      mfa_required: true,
      mfa_token: expect.stringMatching(/^mfa_/) as unknown,
      methods: ['totp', 'recovery_code'],
    });
    expect((await counts(server)).sessions).toBe(sessions);
    const linked = await server.stored.db.selectFrom('external_identities').selectAll().where('subject', '=', 'admin-at-op').execute();
    expect(linked.map((row) => row.user_id)).toEqual([admin.user.id]);
    await vi.waitFor(
      async () => expect(await auditActions(server, 'federation.link')).toContainEqual({ result: 'success', reason: null }),
      { timeout: 5000 },
    );
  });

  it('federation 2: a signed-in user links a provider identity from /me/identities, and lists it', async () => {
    const alice = (await signIn(server.app, 'alice')).json<Grant>();
    op.setAccount({ sub: 'alice-work', email: 'alice@work.example.test', email_verified: false });
    const linking = await server.app.inject({
      method: 'POST',
      url: '/api/v1/me/identities',
      headers: { authorization: `Bearer ${alice.access_token}` },
      payload: { provider: 'acme' },
    });
    expect(linking.statusCode, linking.body).toBe(200);
    const { authorization_url: url } = linking.json<{ authorization_url: string }>();
    const cookie = (setCookies(linking).find((c) => c.startsWith('__Host-rampart_oidc=')) ?? '').split(';')[0] ?? '';
    const back = await op.authorize(url, 'alice-work');
    const linked = await callback(server.app, back, cookie);
    expect(linked.statusCode, linked.body).toBe(200);
    expect(linked.json()).toMatchObject({ linked: { provider: 'oidc:acme', subject: 'alice-work', email_verified: false } });
    const list = await server.app.inject({
      method: 'GET',
      url: '/api/v1/me/identities',
      headers: { authorization: `Bearer ${alice.access_token}` },
    });
    expect(list.statusCode).toBe(200);
    expect(
      list
        .json<{ items: { subject: string }[] }>()
        .items.map((i) => i.subject)
        .sort(),
    ).toEqual(['alice', 'alice-work']);
    // The same identity cannot be linked to another account.
    op.setAccount({ sub: 'carol', email: 'carol@example.test', email_verified: true });
    const carol = (await signIn(server.app, 'carol')).json<Grant>();
    const stealing = await server.app.inject({
      method: 'POST',
      url: '/api/v1/me/identities',
      headers: { authorization: `Bearer ${carol.access_token}` },
      payload: { provider: 'acme' },
    });
    const stealCookie = (setCookies(stealing).find((c) => c.startsWith('__Host-rampart_oidc=')) ?? '').split(';')[0] ?? '';
    const stolen = await op.authorize(stealing.json<{ authorization_url: string }>().authorization_url, 'alice-work');
    await nothingCreated(async () => {
      expectProblem(await callback(server.app, stolen, stealCookie), 'conflict');
    });
    const owner = await server.stored.db
      .selectFrom('external_identities')
      .select('user_id')
      .where('subject', '=', 'alice-work')
      .executeTakeFirstOrThrow();
    expect(owner.user_id).toBe(alice.user.id);
  });

  it('federation 2: unlinking the last way to sign in is refused with 409; with another way left it works', async () => {
    op.setAccount({ sub: 'solo', email: 'solo@example.test', email_verified: true });
    const solo = (await signIn(server.app, 'solo')).json<Grant>();
    const auth = { authorization: `Bearer ${solo.access_token}` };
    const items = (await server.app.inject({ method: 'GET', url: '/api/v1/me/identities', headers: auth })).json<{
      items: { id: string }[];
    }>().items;
    expect(items).toHaveLength(1);
    const only = items[0]?.id ?? '';
    expectProblem(await server.app.inject({ method: 'DELETE', url: `/api/v1/me/identities/${only}`, headers: auth }), 'conflict');
    expect(await server.stored.db.selectFrom('external_identities').select('id').where('id', '=', only).execute()).toHaveLength(1);
    // Another account's identity id: 404.
    const alice = (await signIn(server.app, 'alice')).json<Grant>();
    expectProblem(
      await server.app.inject({
        method: 'DELETE',
        url: `/api/v1/me/identities/${only}`,
        headers: { authorization: `Bearer ${alice.access_token}` },
      }),
      'not_found',
    );
    // A second identity: now one of them may go.
    op.setAccount({ sub: 'solo-2', email: 'solo@example.test', email_verified: true });
    const linking = await server.app.inject({ method: 'POST', url: '/api/v1/me/identities', headers: auth, payload: { provider: 'acme' } });
    const cookie = (setCookies(linking).find((c) => c.startsWith('__Host-rampart_oidc=')) ?? '').split(';')[0] ?? '';
    const back = await op.authorize(linking.json<{ authorization_url: string }>().authorization_url, 'solo-2');
    expect((await callback(server.app, back, cookie)).statusCode).toBe(200);
    const unlinked = await server.app.inject({ method: 'DELETE', url: `/api/v1/me/identities/${only}`, headers: auth });
    expect(unlinked.statusCode, unlinked.body).toBe(204);
    expect(await server.stored.db.selectFrom('external_identities').select('id').where('id', '=', only).execute()).toEqual([]);
    await vi.waitFor(
      async () => expect(await auditActions(server, 'federation.unlink')).toContainEqual({ result: 'success', reason: null }),
      { timeout: 5000 },
    );
  });
});

describe('federation: OIDC provider checks in rampart doctor', () => {
  it('federation 6: doctor reports discovery, the redirect URI and TLS of each provider', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const port = (probe.address() as AddressInfo).port;
        probe.close(() => resolve(port));
      });
    });
    const config = testConfig(
      { env: {} },
      {
        ...env(),
        RAMPART_OUTBOUND_PORTS: `${op.port},${closedPort},443`,
        RAMPART_OIDC_PROVIDERS: JSON.stringify({
          up: { issuer: op.issuer, client_id: 'rampart', client_secret: CLIENT_SECRET },
          down: { issuer: `http://127.0.0.1:${closedPort}`, client_id: 'rampart' },
          plaintext: { issuer: 'http://idp.example.test', client_id: 'rampart' },
        }),
      },
    );
    const checks = await federationDoctorChecks(config);
    const byName = Object.fromEntries(checks.map((check) => [check.name, check]));
    expect(byName['oidc up discovery']).toMatchObject({ status: 'pass' });
    expect(byName['oidc up tls']).toMatchObject({ status: 'pass' });
    expect(byName['oidc up redirect-uri']).toMatchObject({ status: 'pass', reason: expect.stringContaining(callbackOf('up')) as unknown });
    expect(byName['oidc down discovery']).toMatchObject({ status: 'fail' });
    expect(byName['oidc plaintext tls']).toMatchObject({ status: 'fail' });
    expect(JSON.stringify(checks)).not.toContain(CLIENT_SECRET);
  });
});
