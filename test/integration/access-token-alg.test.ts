/**
 * RAMPART_ACCESS_TOKEN_ALG through the real server, on every backend: an instance configured with
 * ES256 or RS256 signs with a key of that algorithm from its first start, publishes it with its
 * `alg` in the JWKS and the discovery document, and accepts its own tokens. A restart with another
 * algorithm changes nothing until a rotation; after it both keys are published, each with its own
 * `alg`, and the token signed before still works.
 */
import { decodeProtectedHeader } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, me } from '../helpers/identity.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

interface Jwks {
  readonly keys: readonly { readonly kid: string; readonly alg: string; readonly kty: string }[];
}

for (const backend of await backends()) {
  describe(`access-token algorithm on ${backend.name}`, () => {
    let store: BackendInstance | undefined;
    let server: TestServer | undefined;

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
      server = undefined;
      store = undefined;
    });

    const jwks = async (s: TestServer) => (await s.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<Jwks>();
    const discovery = async (s: TestServer) =>
      (await s.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' })).json<{
        access_token_signing_alg_values_supported: string[];
      }>();

    it('ES256 from the first start: signed, published and accepted; RS256 after a restart and a rotation', async () => {
      store = await backend.create();
      server = await testServer(store, { env: { ...ADMIN_ENV, RAMPART_ACCESS_TOKEN_ALG: 'ES256' } });
      const first = await login(server.app);
      expect(decodeProtectedHeader(first.access_token).alg).toBe('ES256');
      expect((await me(server.app, first.access_token)).statusCode).toBe(200);
      expect((await jwks(server)).keys.map((key) => [key.alg, key.kty])).toEqual([['ES256', 'EC']]);
      expect((await discovery(server)).access_token_signing_alg_values_supported).toEqual(['ES256']);
      await server.close();

      // Restarted with RS256: the ES256 key keeps signing until `rampart keys rotate`.
      server = await testServer(store, { env: { ...ADMIN_ENV, RAMPART_ACCESS_TOKEN_ALG: 'RS256' } });
      expect(decodeProtectedHeader((await login(server.app)).access_token).alg).toBe('ES256');
      await server.rampart.identity.tokens.rotate();
      const second = await login(server.app);
      expect(decodeProtectedHeader(second.access_token).alg).toBe('RS256');
      expect((await me(server.app, second.access_token)).statusCode).toBe(200);
      expect((await me(server.app, first.access_token)).statusCode).toBe(200);
      expect((await jwks(server)).keys.map((key) => [key.alg, key.kty])).toEqual([
        ['RS256', 'RSA'],
        ['ES256', 'EC'],
      ]);
      expect([...(await discovery(server)).access_token_signing_alg_values_supported].sort()).toEqual(['ES256', 'RS256']);
    });
  });
}
