import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { sqliteBackend, type BackendInstance } from '../helpers/backends.js';
import { PROBLEM_FIELDS } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

// test/fixtures/spec-api-v1.md, "Middleware chain" 4: these headers on every answer, errors included.
const SPEC_HEADERS: Readonly<Record<string, RegExp>> = {
  'strict-transport-security': /^max-age=\d{8,}; includeSubDomains$/,
  'content-security-policy': /^default-src 'none'; frame-ancestors 'none'(;|$)/,
  'x-content-type-options': /^nosniff$/,
  'x-frame-options': /^DENY$/,
  'referrer-policy': /^no-referrer$/,
  'cross-origin-opener-policy': /^same-origin$/,
  'cache-control': /^no-store$/,
};

const INTERNAL_MESSAGE = 'SELECT secret FROM users /srv/app.ts';

describe('security headers', () => {
  let store: BackendInstance;
  let server: TestServer;

  beforeAll(async () => {
    store = await sqliteBackend.create();
    server = await testServer(store, {
      routes: async (app) => {
        app.post('/test/small-body', { config: { access: 'public' }, bodyLimit: 1024, schema: { body: {} } }, async () => ({ ok: true }));
        app.get('/test/throws', { config: { access: 'public' } }, async () => {
          throw new Error(INTERNAL_MESSAGE);
        });
      },
    });
  });

  afterAll(async () => {
    await server.close();
    await store.cleanup();
  });

  const cases: readonly { name: string; status: number; request: InjectOptions }[] = [
    { name: 'a 200 (/healthz)', status: 200, request: { method: 'GET', url: '/healthz' } },
    {
      name: 'a 204 (CORS preflight)',
      status: 204,
      request: {
        method: 'OPTIONS',
        url: '/healthz',
        headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'GET' },
      },
    },
    {
      name: 'a 401 (/metrics from a remote address)',
      status: 401,
      request: { method: 'GET', url: '/metrics', remoteAddress: '203.0.113.7' },
    },
    { name: 'a 404 (unknown route)', status: 404, request: { method: 'GET', url: '/no/such/route' } },
    { name: 'a 405 (POST /healthz)', status: 405, request: { method: 'POST', url: '/healthz' } },
    {
      name: 'a 413 (body over the route limit)',
      status: 413,
      request: {
        method: 'POST',
        url: '/test/small-body',
        headers: { 'content-type': 'application/json' },
        payload: { pad: 'x'.repeat(2048) },
      },
    },
    { name: 'a 500 (handler throws)', status: 500, request: { method: 'GET', url: '/test/throws' } },
  ];

  for (const { name, status, request } of cases) {
    it(`sets every spec header on ${name}`, async () => {
      const response = await server.app.inject(request);
      expect(response.statusCode).toBe(status);
      for (const [header, value] of Object.entries(SPEC_HEADERS)) {
        expect(response.headers[header], header).toMatch(value);
      }
    });
  }

  it('answers a 500 with the bare internal_error problem: no message, SQL, path or stack', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/test/throws' });
    expect(response.statusCode).toBe(500);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = response.json<Record<string, unknown>>();
    expect(Object.keys(body).sort()).toEqual([...PROBLEM_FIELDS].sort());
    expect(body).toMatchObject({ code: 'internal_error', status: 500, request_id: response.headers['x-request-id'] });
    for (const leak of ['SELECT', 'secret', 'users', '/srv/', 'app.ts', 'Error', 'stack', '    at ']) {
      expect(response.body).not.toContain(leak);
    }
  });

  it('logs the cause of a 500 under the request id the caller was given', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/test/throws', headers: { 'x-request-id': 'trace-500-cause' } });
    expect(response.headers['x-request-id']).toBe('trace-500-cause');
    const causeLine = server.logs.lines.find((line) => line.includes('trace-500-cause') && line.includes(INTERNAL_MESSAGE));
    expect(causeLine).toBeDefined();
  });
});
