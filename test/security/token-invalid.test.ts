/**
 * Hardening 14: a credential that is present but fails verification is 401 `token_invalid`;
 * `unauthenticated` is for a missing credential only (test/fixtures/spec-api-v1.md, "Added in
 * v1.1", "Refinements").
 *
 * The exploit shapes, sent to the running server on an authenticated route: a token whose header
 * says `alg: none` with an empty signature; a genuine token with its signature stripped; a token
 * signed by the attacker's own key under our `kid`; a genuine token with one claim changed; and
 * text that is no token at all. Before the fix the unsigned and stripped ones — not shaped like a
 * signed JWS — fell through every authenticator and were answered `unauthenticated`, as if no
 * credential had been sent. Each must be refused `token_invalid` with `error="invalid_token"`,
 * a genuine expired token `token_expired`, and nothing may change: the genuine token still works,
 * its session is not revoked, and the published keys are the same.
 */
import { CompactSign, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_ENV, login, me, type Grant } from '../helpers/identity.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

function parts(token: string): [string, string, string] {
  const [header = '', payload = '', signature = ''] = token.split('.');
  return [header, payload, signature];
}

function decoded(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

for (const backend of await backends()) {
  describe(`present but invalid credentials on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let clock: FakeClock;
    let grant: Grant;
    let jwksBefore: string;

    beforeAll(async () => {
      store = await backend.create();
      clock = new FakeClock(Date.now());
      server = await testServer(store, { env: { ...ADMIN_ENV }, clock });
      grant = await login(server.app);
      jwksBefore = (await server.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).body;
    });

    afterAll(async () => {
      await server?.close();
      await store?.cleanup();
    });

    async function forgeries(): Promise<Record<string, string>> {
      const [header, payload, signature] = parts(grant.access_token);
      const claims = decoded(payload);
      const kid = decoded(header)['kid'];
      const attacker = await generateKeyPair('EdDSA');
      const signedByAttacker = await new CompactSign(new TextEncoder().encode(JSON.stringify({ ...claims, sub: 'usr_attacker' })))
        .setProtectedHeader({ alg: 'EdDSA', kid: String(kid), typ: 'at+jwt' })
        .sign(attacker.privateKey);
      return {
        'alg none, empty signature': `${b64({ alg: 'none', typ: 'at+jwt', kid })}.${b64({ ...claims, sub: 'usr_attacker' })}.`,
        'signature stripped': `${header}.${payload}.`,
        'signed by the attacker under our kid': signedByAttacker,
        'one claim changed, signature kept': `${header}.${b64({ ...claims, scope: 'users.manage metrics.read' })}.${signature}`,
        'not a token at all': 'someone-else',
        'a token of two parts': `${header}.${payload}`,
      };
    }

    it('hardening 14: a forged, unsigned or signature-stripped token is 401 token_invalid with error="invalid_token"', async () => {
      for (const [name, token] of Object.entries(await forgeries())) {
        const response = await me(server.app, token);
        expectProblem(response, 'token_invalid');
        expect(response.headers['www-authenticate'], name).toMatch(/^Bearer .*error="invalid_token"/);
      }
    });

    it('hardening 14: an Authorization header of a scheme nobody verifies is token_invalid too', async () => {
      for (const authorization of ['Basic YWRtaW46cGFzc3dvcmQ=', 'Bearer', 'Digest username="admin"']) {
        const response = await server.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization } });
        expectProblem(response, 'token_invalid');
      }
    });

    it('hardening 14: a missing credential stays unauthenticated with a plain Bearer challenge', async () => {
      const response = await server.app.inject({ method: 'GET', url: '/api/v1/me' });
      expectProblem(response, 'unauthenticated');
      expect(response.headers['www-authenticate']).toBe('Bearer realm="rampart"');
    });

    it('hardening 14: a public route answers a forged token as it answers no token', async () => {
      const forged = (await forgeries())['alg none, empty signature'] ?? '';
      const response = await server.app.inject({ method: 'GET', url: '/healthz', headers: { authorization: `Bearer ${forged}` } });
      expect(response.statusCode).toBe(200);
    });

    it('hardening 14: nothing changed: the genuine token works, its session lives, the keys are the same', async () => {
      expect((await me(server.app, grant.access_token)).statusCode).toBe(200);
      const session = await server.rampart.identity.sessions.find(grant.session_id);
      expect(session?.revokedAt).toBeNull();
      expect((await server.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).body).toBe(jwksBefore);
    });

    it('hardening 14: a genuine token past its lifetime stays token_expired', async () => {
      clock.advance(16 * 60 * 1000);
      expectProblem(await me(server.app, grant.access_token), 'token_expired');
    });
  });
}
