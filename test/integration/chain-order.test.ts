/**
 * The observable order of the chain (src/http/chain.ts), one case per adjacent pair of the table
 * (issue 22 item 7): what a request that two layers would both refuse is answered with, and that
 * the layers every answer passes (request id, security headers) ran on early refusals too. Then
 * what the lean request path added to the chain: the 429 refusals and, under
 * RAMPART_AUDIT_READS=all, every authenticated read in the audit log (issue 22 item 1); a route's
 * own Content-Security-Policy; the start-time rule that a body-taking route declares its schema.
 * One server for the file (SQLite: the chain is the same on every backend).
 */
import { Type } from '@sinclair/typebox';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/http/server.js';
import { createLogger } from '../../src/kernel/adapters/log/pino-logger.js';
import { createRampart } from '../../src/rampart.js';
import { sqliteBackend, type BackendInstance } from '../helpers/backends.js';
import { cookieLogin, ORIGIN } from '../helpers/browser.js';
import { ADMIN_ENV, login } from '../helpers/identity.js';
import { LogCapture, testConfig, testServer, type TestServer } from '../helpers/rampart.js';

const FOREIGN = 'https://evil.example';
const MIB = 1024 * 1024;
const OVERSIZED = JSON.stringify({ name: 'x'.repeat(MIB + 10) });
const JSON_HEADERS = { 'content-type': 'application/json' };
const DOCS_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:";

function expectSecurityHeaders(response: LightMyRequestResponse, what: string): void {
  expect(response.headers['x-request-id'], what).toMatch(/^[A-Za-z0-9._-]+$/);
  expect(response.headers['strict-transport-security'], what).toMatch(/^max-age=\d+/);
  expect(response.headers['x-content-type-options'], what).toBe('nosniff');
  expect(response.headers['x-frame-options'], what).toBe('DENY');
  expect(response.headers['content-security-policy'], what).toMatch(/default-src 'none'/);
  expect(response.headers['cache-control'], what).toBe('no-store');
}

describe('the chain, observed', () => {
  let store: BackendInstance;
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    store = await sqliteBackend.create();
    server = await testServer(store, {
      env: { ...ADMIN_ENV, RAMPART_CORS_ORIGINS: 'https://app.example.test', RAMPART_AUDIT_READS: 'all' },
      routes: async (app) => {
        const body = { body: Type.Object({ name: Type.String({ maxLength: 20 }) }, { additionalProperties: false }) };
        app.post('/test/authenticated', { config: { access: 'authenticated' }, schema: body }, async () => ({ ok: true }));
        app.post('/test/limited', { config: { access: 'public', rateLimit: { max: 1, windowMs: 60_000 } }, schema: body }, async () => ({
          ok: true,
        }));
        app.post(
          '/test/admin-only',
          { config: { access: { permission: 'widgets.manage', scope: 'platform' } }, schema: body },
          async () => ({ ok: true }),
        );
        app.get('/test/forbidden-read', { config: { access: { permission: 'widgets.manage', scope: 'platform' } } }, async () => ({
          ok: true,
        }));
        app.get('/test/docs-page', { config: { access: 'public', csp: DOCS_CSP } }, async (_request, reply) =>
          reply.type('text/html; charset=utf-8').send('<!doctype html><title>docs</title>'),
        );
        app.get('/test/docs-page-fails', { config: { access: 'public', csp: DOCS_CSP } }, async () => {
          throw new Error('the page failed');
        });
      },
    });
    token = (await login(server.app)).access_token;
  });

  afterAll(async () => {
    await server?.close();
    await store?.cleanup();
  });

  const inject = (options: InjectOptions) => server.app.inject(options);

  /** The audit entries of `action`, read back from the store. */
  async function entries(action: string) {
    return server.stored.db
      .selectFrom('audit_entries')
      .select(['resource', 'result', 'reason', 'request_id', 'actor_type'])
      .where('action', '=', action)
      .execute();
  }

  it('promises 7: logging → metrics: a refused request (401) gets its access line and its metric', async () => {
    const response = await inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-request-id': 'order-logging-1' } });
    expect(response.statusCode).toBe(401);
    const line = server.logs.lines
      .map((text) => JSON.parse(text) as Record<string, unknown>)
      .find((entry) => entry.reqId === 'order-logging-1');
    expect(line).toMatchObject({ msg: 'request completed', status: 401, route: '/api/v1/me', method: 'GET', level: 'info' });
    const metrics = await server.rampart.metrics.getSingleMetricAsString('rampart_http_requests_total');
    expect(metrics).toContain('method="GET",route="/api/v1/me",status="401"');
  });

  it('promises 7: problems → request id: a problem names the request id its answer echoes', async () => {
    const response = await inject({ method: 'GET', url: '/no/such/path', headers: { 'x-request-id': 'order-problem-1' } });
    expect(response.statusCode).toBe(404);
    expect(response.headers['x-request-id']).toBe('order-problem-1');
    expect(response.json()).toMatchObject({ code: 'not_found', request_id: 'order-problem-1' });
    expectSecurityHeaders(response, '404');
  });

  it('promises 7: request id → CORS → security headers: a preflight, answered by CORS, carries the id and the headers', async () => {
    const response = await inject({
      method: 'OPTIONS',
      url: '/api/v1/me',
      headers: { origin: 'https://app.example.test', 'access-control-request-method': 'GET' },
    });
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('https://app.example.test');
    expectSecurityHeaders(response, 'preflight');
  });

  it('promises 7: CORS → authentication: a preflight is answered before authentication (no credential, no 401)', async () => {
    const response = await inject({
      method: 'OPTIONS',
      url: '/test/authenticated',
      headers: { origin: 'https://app.example.test', 'access-control-request-method': 'POST' },
    });
    expect(response.statusCode).toBe(204);
    expect(response.headers['www-authenticate']).toBeUndefined();
  });

  it('promises 7: security headers → method guard → authentication: a TRACE with a bad token is 405 with the headers, not 401', async () => {
    const response = await inject({ method: 'TRACE', url: '/api/v1/me', headers: { authorization: 'Bearer not-a-token' } });
    expect(response.statusCode).toBe(405);
    expect(response.json()).toMatchObject({ code: 'method_not_allowed' });
    expectSecurityHeaders(response, 'TRACE');
  });

  it('promises 7: authentication → browser sessions: a forged cookie from a foreign origin is 401, not a CSRF refusal', async () => {
    const response = await inject({
      method: 'POST',
      url: '/test/authenticated',
      headers: { ...JSON_HEADERS, origin: FOREIGN, cookie: '__Host-rampart_session=ses_00000000000000000000000000000000.AAAA' },
      payload: { name: 'x' },
    });
    expect(response.statusCode).toBe(401);
  });

  it('promises 7: browser sessions → rate limit: a CSRF refusal (403) is answered before the rate limiter counts it', async () => {
    const { cookie } = await cookieLogin(server.app);
    const response = await inject({
      method: 'POST',
      url: '/test/authenticated',
      headers: { ...JSON_HEADERS, origin: FOREIGN, cookie },
      payload: { name: 'x' },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'csrf_failed' });
    expect(response.headers['ratelimit-remaining']).toBeUndefined();
    expectSecurityHeaders(response, 'CSRF refusal');
  });

  it('adoption 5: the CSRF refusal names the allowed origins and the variables that set them, never the request headers', async () => {
    const { cookie } = await cookieLogin(server.app);
    const response = await inject({
      method: 'POST',
      url: '/test/authenticated',
      headers: { ...JSON_HEADERS, origin: FOREIGN, cookie },
      payload: { name: 'x' },
    });
    const detail = response.json<{ detail: string }>().detail;
    expect(detail).toContain(`${ORIGIN} (RAMPART_PUBLIC_URL)`);
    expect(detail).toContain('https://app.example.test (RAMPART_CORS_ORIGINS)');
    expect(detail).toContain('X-Rampart-CSRF');
    expect(detail).not.toContain(FOREIGN);
    expect(detail).not.toMatch(/Sec-Fetch-Site/);
  });

  it('promises 7: authentication → rate limit → request size: an unauthenticated oversized body answers 401, before 413', async () => {
    const response = await inject({ method: 'POST', url: '/test/authenticated', headers: JSON_HEADERS, payload: OVERSIZED });
    expect(response.statusCode).toBe(401);
    expect(response.headers['ratelimit-remaining']).toBeUndefined();
  });

  it('promises 7 + promises 1: rate limit → request size: a rate-limited oversized body is 429 with the headers, and the refusal is audited', async () => {
    const headers = JSON_HEADERS;
    expect((await inject({ method: 'POST', url: '/test/limited', headers, payload: { name: 'first' } })).statusCode).toBe(200);
    const refused = await inject({
      method: 'POST',
      url: '/test/limited',
      headers: { ...headers, 'x-request-id': 'order-limited-1' },
      payload: OVERSIZED,
    });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expectSecurityHeaders(refused, '429');
    // A flood: the aggregate writes no entry per request.
    for (let i = 0; i < 5; i++)
      expect((await inject({ method: 'POST', url: '/test/limited', headers, payload: { name: 'x' } })).statusCode).toBe(429);
    const limited = await entries('api.rate_limited');
    expect(limited.filter((entry) => entry.resource === '/test/limited')).toEqual([
      { resource: '/test/limited', result: 'failure', reason: 'rate_limited', request_id: 'order-limited-1', actor_type: 'user' },
    ]);
  });

  it('promises 7: request size → validation: an oversized body that is also invalid is 413', async () => {
    const response = await inject({
      method: 'POST',
      url: '/test/admin-only',
      headers: { ...JSON_HEADERS, authorization: `Bearer ${token}` },
      payload: JSON.stringify({ unknown: 'x'.repeat(MIB + 10) }),
    });
    expect(response.statusCode).toBe(413);
  });

  it('promises 7: validation → authorization: an invalid body is 400 before a missing permission is 403', async () => {
    const headers = { ...JSON_HEADERS, authorization: `Bearer ${token}` };
    const invalid = await inject({ method: 'POST', url: '/test/admin-only', headers, payload: { unknown: true } });
    expect(invalid.statusCode, invalid.body).toBe(400);
    const valid = await inject({ method: 'POST', url: '/test/admin-only', headers, payload: { name: 'x' } });
    expect(valid.statusCode).toBe(403);
  });

  it('promises 7: authorization → read audit → idempotency: a forbidden read is recorded as refused; a forbidden change is not stored for replay', async () => {
    const forbidden = await inject({
      method: 'GET',
      url: '/test/forbidden-read',
      headers: { authorization: `Bearer ${token}`, 'x-request-id': 'order-forbidden-read' },
    });
    expect(forbidden.statusCode).toBe(403);
    const read = (await entries('api.read')).find((entry) => entry.request_id === 'order-forbidden-read');
    expect(read).toEqual({
      resource: '/test/forbidden-read',
      result: 'failure',
      reason: null,
      request_id: 'order-forbidden-read',
      actor_type: 'user',
    });
    const headers = { ...JSON_HEADERS, authorization: `Bearer ${token}`, 'idempotency-key': 'order-forbidden-1' };
    const first = await inject({ method: 'POST', url: '/test/admin-only', headers, payload: { name: 'x' } });
    const again = await inject({ method: 'POST', url: '/test/admin-only', headers, payload: { name: 'x' } });
    expect([first.statusCode, again.statusCode]).toEqual([403, 403]);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
  });

  it('promises 1: under RAMPART_AUDIT_READS=all an authenticated read has its api.read entry before it is answered; an anonymous one none', async () => {
    const response = await inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${token}`, 'x-request-id': 'order-read-1' },
    });
    expect(response.statusCode).toBe(200);
    const entry = (await entries('api.read')).find((candidate) => candidate.request_id === 'order-read-1');
    expect(entry).toEqual({ resource: '/api/v1/me', result: 'success', reason: null, request_id: 'order-read-1', actor_type: 'user' });
    // Anonymous reads are nobody's: no entry.
    await inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'order-read-anonymous' } });
    expect((await entries('api.read')).some((candidate) => candidate.request_id === 'order-read-anonymous')).toBe(false);
  });

  it("perf 1: a route's declared CSP replaces the API's, on its answers and on its errors; every other header stays", async () => {
    const page = await inject({ method: 'GET', url: '/test/docs-page' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toBe(DOCS_CSP);
    expect(page.headers['x-frame-options']).toBe('DENY');
    const failed = await inject({ method: 'GET', url: '/test/docs-page-fails' });
    expect(failed.statusCode).toBe(500);
    expect(failed.headers['content-security-policy']).toBe(DOCS_CSP);
    const api = await inject({ method: 'GET', url: '/healthz' });
    expect(api.headers['content-security-policy']).toMatch(/^default-src 'none'/);
  });
});

describe('start-time rules of the chain', () => {
  let store: BackendInstance;

  beforeAll(async () => {
    store = await sqliteBackend.create();
  });

  afterAll(async () => {
    await store?.cleanup();
  });

  async function startWith(routes: NonNullable<Parameters<typeof buildServer>[1]>): Promise<unknown> {
    const rampart = await createRampart(testConfig(store), { logger: createLogger('silent', new LogCapture()) });
    try {
      const app = await buildServer(rampart, routes);
      await app.close();
      return undefined;
    } catch (error) {
      return error;
    } finally {
      await rampart.close();
    }
  }

  it('promises 7: Rampart refuses to start when a POST, PUT or PATCH route declares no body schema, naming the route', async () => {
    for (const method of ['POST', 'PUT', 'PATCH'] as const) {
      const error = await startWith(async (app) => {
        app.route({ method, url: '/test/unchecked', config: { access: 'authenticated' }, handler: async () => ({ ok: true }) });
      });
      expect(error, method).toBeInstanceOf(Error);
      expect((error as Error).message, method).toContain(`route ${method} /test/unchecked takes a body but declares no schema.body`);
    }
  });

  it('perf 1: a route declaring a CSP that could split the header does not start, naming the route', async () => {
    const error = await startWith(async (app) => {
      app.get('/test/bad-csp', { config: { access: 'public', csp: "default-src 'self'\r\nx-injected: 1" } }, async () => ({ ok: true }));
    });
    expect((error as Error).message).toContain('route GET /test/bad-csp declares a config.csp');
  });
});
