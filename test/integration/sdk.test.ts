/**
 * Adoption 3 (issue 21): the client SDK (`rampart/client`, src/sdk/) against a real Rampart on a
 * real socket. Typed calls and typed refusals; the access token renewed with the refresh token
 * when it expires — once for many concurrent requests, since a second refresh with the spent token
 * would revoke the session; DPoP: a login through a DPoP client binds the session, the SDK's
 * refreshes carry proofs, and the bare refresh token is refused; 429 and 503 retried after
 * `Retry-After` within a bound; and the committed schema equal to one regenerated from the live
 * document. Time is a fake clock shared by the server and the SDK (no sleeps).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, RampartError, type RampartClient } from '../../src/sdk/index.js';
import { sqliteBackend, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD } from '../helpers/identity.js';
import { freePort } from '../helpers/processes.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { uniqueSlug } from '../helpers/orgs.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('the client SDK against a real server', () => {
  let instance: BackendInstance;
  let server: TestServer;
  let origin: string;
  const clock = new FakeClock(Math.floor(Date.now() / 1000) * 1000);

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    instance = await sqliteBackend.create();
    server = await testServer(instance, {
      env: { ...ADMIN_ENV, RAMPART_PUBLIC_URL: origin, RAMPART_RATE_LIMIT: '10000', RAMPART_LOGIN_RATE_LIMIT: '3' },
      clock,
    });
    await server.app.listen({ port, host: '127.0.0.1' });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await instance?.cleanup();
  });

  /** A fetch that counts the refreshes it carries. */
  function counting(): { fetch: typeof fetch; refreshes: () => number } {
    let refreshes = 0;
    return {
      fetch: (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        if (url.endsWith('/api/v1/auth/refresh')) refreshes += 1;
        return fetch(input, init);
      },
      refreshes: () => refreshes,
    };
  }

  async function admin(options: Partial<Parameters<typeof createClient>[0]> = {}): Promise<RampartClient> {
    const client = createClient({ baseUrl: origin, now: () => clock.now(), ...options });
    const result = await client.login({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    expect(result.mfaRequired).toBe(false);
    return client;
  }

  it('adoption 3: typed calls create and read an org; a refusal is a RampartError carrying the problem', async () => {
    const client = await admin();
    const slug = uniqueSlug('sdk');
    const { data: created } = await client.POST('/api/v1/orgs', { body: { name: 'SDK org', slug } });
    expect(created).toMatchObject({ slug, name: 'SDK org' });
    const { data: read } = await client.GET('/api/v1/orgs/{org}', { params: { path: { org: slug } } });
    expect(read?.id).toBe(created?.id);

    const missing = await client.GET('/api/v1/orgs/{org}', { params: { path: { org: 'no-such-org' } } }).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(RampartError);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });
    const invalid = await client
      .POST('/api/v1/orgs', { body: { name: 'x', slug: 'Not A Slug!' } })
      .catch((error: unknown) => error as RampartError);
    expect(invalid).toMatchObject({ status: 400, code: 'validation_failed' });
    expect((invalid as RampartError).title).not.toBe('');

    const anonymous = createClient({ baseUrl: origin });
    await expect(anonymous.GET('/api/v1/me')).rejects.toMatchObject({ status: 401, code: 'unauthenticated' });
  });

  it('adoption 3: an expired access token is renewed once for many concurrent requests (single-flight), and kept', async () => {
    const counter = counting();
    const seen: string[] = [];
    const client = await admin({ fetch: counter.fetch, onTokens: (tokens) => void seen.push(tokens.accessToken) });
    const first = client.tokens();
    clock.advance(1_200_000);
    const answers = await Promise.all(Array.from({ length: 6 }, () => client.GET('/api/v1/me')));
    for (const { data } of answers) expect(data?.user.email).toBe(ADMIN_EMAIL);
    expect(counter.refreshes()).toBe(1);
    expect(client.tokens()?.refreshToken).not.toBe(first?.refreshToken);
    expect(seen).toHaveLength(2); // the login, then the one refresh
  });

  it('adoption 3: a 401 token_expired (expiry unknown to the client) is refreshed and the request sent again', async () => {
    const grant = (
      await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } })
    ).json<{
      access_token: string;
      refresh_token: string;
    }>();
    const counter = counting();
    const client = createClient({
      baseUrl: origin,
      token: grant.access_token,
      refreshToken: grant.refresh_token,
      fetch: counter.fetch,
      now: () => clock.now(),
    });
    clock.advance(1_200_000);
    const { data } = await client.GET('/api/v1/me');
    expect(data?.user.email).toBe(ADMIN_EMAIL);
    expect(counter.refreshes()).toBe(1);
    // Without a refresh token, the expiry is the caller's to handle.
    const bare = createClient({ baseUrl: origin, token: client.tokens()?.accessToken ?? '' });
    clock.advance(1_200_000);
    await expect(bare.GET('/api/v1/me')).rejects.toMatchObject({ status: 401, code: 'token_expired' });
  });

  it('adoption 3: with DPoP the session is bound to the key: the SDK refreshes with proofs, the bare refresh token is refused and not spent', async () => {
    const client = await admin({ dpop: true });
    const refreshToken = client.tokens()?.refreshToken ?? '';
    const stolen = await fetch(`${origin}/api/v1/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: refreshToken }),
    });
    expect(stolen.status).toBe(401);
    expect(((await stolen.json()) as { code: string }).code).toBe('dpop_invalid');
    // Nothing was spent: the holder of the key still refreshes with the same token, twice over.
    await client.refresh();
    expect(client.tokens()?.refreshToken).not.toBe(refreshToken);
    await client.refresh();
    const { data } = await client.GET('/api/v1/me');
    expect(data?.user.email).toBe(ADMIN_EMAIL);
  });

  it('adoption 3: 429 and 503 are retried after Retry-After, never past the bound', async () => {
    // A 503 in front of the real server once: retried after the two seconds it asks for.
    const waits: number[] = [];
    let failures = 1;
    const flaky: typeof fetch = (input, init) => {
      if (failures-- > 0)
        return Promise.resolve(
          new Response('{}', { status: 503, headers: { 'retry-after': '2', 'content-type': 'application/problem+json' } }),
        );
      return fetch(input, init);
    };
    const client = createClient({ baseUrl: origin, fetch: flaky, sleep: async (ms) => void waits.push(ms) });
    const { data } = await client.GET('/healthz');
    expect(data).toEqual({ status: 'ok' });
    expect(waits).toEqual([2000]);

    // The real login limit (RAMPART_LOGIN_RATE_LIMIT=3): its 429 asks for a wait beyond the default
    // bound, so the SDK answers at once with the refusal; within a wider bound it waits, at most twice.
    const email = `${uniqueSlug('throttled')}@example.test`;
    const quick: number[] = [];
    const impatient = createClient({ baseUrl: origin, sleep: async (ms) => void quick.push(ms), now: () => clock.now() });
    let refusal: unknown;
    for (let attempt = 0; attempt < 6 && !(refusal instanceof RampartError && refusal.code === 'rate_limited'); attempt += 1) {
      refusal = await impatient.login({ email, password: 'not the password at all' }).catch((error: unknown) => error);
    }
    expect(refusal).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(quick).toEqual([]);
    const patientWaits: number[] = [];
    const patient = createClient({
      baseUrl: origin,
      retry: { attempts: 2, maxDelayMs: 3_600_000 },
      sleep: async (ms) => void patientWaits.push(ms),
    });
    await expect(patient.login({ email, password: 'not the password at all' })).rejects.toMatchObject({ code: 'rate_limited' });
    expect(patientWaits).toHaveLength(2);
    for (const wait of patientWaits) expect(wait).toBeGreaterThan(0);
  });

  it('adoption 3: src/sdk/schema.ts is what the live OpenAPI document generates (run npm run sdk:generate)', async () => {
    // @ts-expect-error -- a JavaScript module without declarations
    const generator = (await import('../../scripts/generate-sdk.mjs')) as {
      openApiDocument(): Promise<unknown>;
      schemaSource(document: unknown): Promise<string>;
      SCHEMA_FILE: string;
    };
    const fresh = await generator.schemaSource(await generator.openApiDocument());
    const committed = readFileSync(generator.SCHEMA_FILE, 'utf8');
    expect(committed === fresh, 'src/sdk/schema.ts is out of date: run npm run sdk:generate').toBe(true);
  }, 60_000);

  it('adoption 3: the package exports the SDK as rampart/client', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, { import: string; types: string }>;
      scripts: Record<string, string>;
    };
    expect(manifest.exports['./client']).toEqual({ types: './dist/sdk/index.d.ts', import: './dist/sdk/index.js' });
    expect(manifest.scripts['sdk:generate']).toContain('scripts/generate-sdk.mjs');
  });
});
