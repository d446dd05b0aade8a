/**
 * A JWT-shaped credential — an access token, a `private_key_jwt` client assertion (RFC 7523), a
 * forgery with `alg: none` — sent to any route, in any place of the request, never reaches the
 * logs, including on the paths this slice changed: a present-but-bad token now answers
 * `token_invalid`, a body with a duplicated member is refused by the parser, and a CSRF refusal
 * is audited. The server logs at trace level; every line written is searched for the token and
 * for its signature part alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteBackend, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV } from '../helpers/identity.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const SIGNATURE = Buffer.from('a signature that must never be logged').toString('base64url');
/** A client assertion as a `private_key_jwt` client sends it. */
const ASSERTION = `${b64({ alg: 'ES256', kid: 'client-key-1', typ: 'JWT' })}.${b64({
  iss: 'cli_0123456789',
  sub: 'cli_0123456789',
  aud: 'https://rampart.example.test/api/v1/oauth/token',
  jti: 'assertion-1',
  exp: 1_900_000_000,
})}.${SIGNATURE}`;
const UNSIGNED = `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64({ sub: 'usr_attacker', scope: 'users.manage' })}.`;
const UNSIGNED_BODY = UNSIGNED.split('.')[1] ?? '';

describe('JWT-shaped credentials and the logs', () => {
  let store: BackendInstance;
  let server: TestServer;

  beforeAll(async () => {
    store = await sqliteBackend.create();
    server = await testServer(store, { env: { ...ADMIN_ENV, RAMPART_LOG_LEVEL: 'trace' } });
  });

  afterAll(async () => {
    await server?.close();
    await store?.cleanup();
  });

  it('hardening 14: a client assertion or a forged token, anywhere in a request to any route, is never logged', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const json = { 'content-type': 'application/json' };
    const requests = [
      { method: 'GET' as const, url: '/api/v1/me', headers: { authorization: `Bearer ${ASSERTION}` } },
      { method: 'GET' as const, url: '/api/v1/me', headers: { authorization: `Bearer ${UNSIGNED}` } },
      { method: 'GET' as const, url: '/healthz', headers: { authorization: `Bearer ${ASSERTION}` } },
      { method: 'GET' as const, url: `/api/v1/orgs/x?client_assertion=${ASSERTION}&q=${UNSIGNED}` },
      { method: 'GET' as const, url: `/no/such/${ASSERTION}` },
      {
        method: 'POST' as const,
        url: '/api/v1/oauth/token',
        headers: form,
        payload: `grant_type=client_credentials&client_id=cli_0123456789&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=${ASSERTION}`,
      },
      {
        method: 'POST' as const,
        url: '/api/v1/oauth/introspect',
        headers: { ...form, authorization: `Bearer ${ASSERTION}` },
        payload: `token=${ASSERTION}`,
      },
      {
        method: 'POST' as const,
        url: '/api/v1/auth/refresh',
        headers: json,
        payload: `{"refresh_token":"${ASSERTION}","refresh_token":"${UNSIGNED}"}`,
      },
      { method: 'POST' as const, url: '/api/v1/auth/refresh', headers: json, payload: `{"refresh_token":"${ASSERTION}"}` },
      {
        method: 'POST' as const,
        url: '/api/v1/orgs',
        headers: { ...json, cookie: `__Host-rampart_session=${ASSERTION}`, origin: 'https://evil.example' },
        payload: '{"name":"x","slug":"x"}',
      },
    ];
    for (const request of requests) {
      const response = await server.app.inject(request);
      expect(response.statusCode, `${request.method} ${request.url}`).toBeLessThan(500);
      expect(response.body).not.toContain(SIGNATURE);
    }
    const logs = server.logs.text;
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(SIGNATURE);
    expect(logs).not.toContain(ASSERTION);
    expect(logs).not.toContain(UNSIGNED_BODY);
  });
});
