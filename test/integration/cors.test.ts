import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { ConfigError, loadConfig } from '../../src/config.js';
import { sqliteBackend, type BackendInstance } from '../helpers/backends.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const LISTED = 'https://app.example.com';
const UNLISTED = 'https://evil.example';

function allowHeaders(response: LightMyRequestResponse): string[] {
  return Object.keys(response.headers).filter((name) => name.startsWith('access-control-allow-'));
}

function varyNames(response: LightMyRequestResponse): string[] {
  return String(response.headers.vary ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase());
}

describe('CORS', () => {
  let store: BackendInstance;
  let server: TestServer;

  beforeAll(async () => {
    store = await sqliteBackend.create();
    server = await testServer(store, { env: { RAMPART_CORS_ORIGINS: LISTED } });
  });

  afterAll(async () => {
    await server.close();
    await store.cleanup();
  });

  it('allows a listed origin, with credentials, echoing that origin', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/healthz', headers: { origin: LISTED } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe(LISTED);
    expect(response.headers['access-control-allow-credentials']).toBe('true');
    expect(response.headers['access-control-expose-headers']).toContain('X-Request-Id');
  });

  it('allows a listed origin on error answers too, so the browser can read the problem', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/no/such/route', headers: { origin: LISTED } });
    expect(response.statusCode).toBe(404);
    expect(response.headers['access-control-allow-origin']).toBe(LISTED);
  });

  for (const origin of [UNLISTED, 'null', 'https://app.example.com.evil.example', 'http://app.example.com', 'https://APP.example.com']) {
    it(`gives origin ${origin} no CORS header at all`, async () => {
      const response = await server.app.inject({ method: 'GET', url: '/healthz', headers: { origin } });
      expect(response.statusCode).toBe(200);
      expect(allowHeaders(response)).toEqual([]);
      expect(response.headers['access-control-expose-headers']).toBeUndefined();
    });
  }

  it('varies every answer on Origin: listed, unlisted, none, error and preflight', async () => {
    const responses = await Promise.all([
      server.app.inject({ method: 'GET', url: '/healthz', headers: { origin: LISTED } }),
      server.app.inject({ method: 'GET', url: '/healthz', headers: { origin: UNLISTED } }),
      server.app.inject({ method: 'GET', url: '/healthz' }),
      server.app.inject({ method: 'GET', url: '/no/such/route' }),
      server.app.inject({ method: 'OPTIONS', url: '/healthz', headers: { origin: LISTED, 'access-control-request-method': 'GET' } }),
    ]);
    for (const response of responses) expect(varyNames(response)).toContain('origin');
  });

  it('answers a preflight from a listed origin 204 with methods, headers and a cache lifetime', async () => {
    const response = await server.app.inject({
      method: 'OPTIONS',
      url: '/healthz',
      headers: {
        origin: LISTED,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, idempotency-key',
      },
    });
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect(response.headers['access-control-allow-origin']).toBe(LISTED);
    expect(response.headers['access-control-allow-credentials']).toBe('true');
    expect(String(response.headers['access-control-allow-methods']).split(/,\s*/)).toContain('POST');
    const allowed = String(response.headers['access-control-allow-headers']).toLowerCase().split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(['content-type', 'idempotency-key', 'authorization']));
    expect(Number(response.headers['access-control-max-age'])).toBeGreaterThan(0);
  });

  it('answers a preflight from an unlisted origin 204 without any Access-Control-Allow-* header', async () => {
    for (const origin of [UNLISTED, 'null']) {
      const response = await server.app.inject({
        method: 'OPTIONS',
        url: '/healthz',
        headers: { origin, 'access-control-request-method': 'DELETE' },
      });
      expect(response.statusCode).toBe(204);
      expect(allowHeaders(response)).toEqual([]);
      expect(response.headers['access-control-max-age']).toBeUndefined();
    }
  });

  it('answers a preflight before authentication (browsers send no credentials on one)', async () => {
    const response = await server.app.inject({
      method: 'OPTIONS',
      url: '/metrics',
      remoteAddress: '203.0.113.7',
      headers: { origin: LISTED, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe(LISTED);
  });

  it('never answers with a wildcard, whatever the origin', async () => {
    for (const origin of [LISTED, UNLISTED, 'null', '*']) {
      for (const preflight of [false, true]) {
        const response = await server.app.inject({
          method: preflight ? 'OPTIONS' : 'GET',
          url: '/healthz',
          headers: { origin, ...(preflight ? { 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-any' } : {}) },
        });
        for (const name of allowHeaders(response)) expect(response.headers[name], name).not.toBe('*');
        expect(String(response.headers['access-control-allow-headers'] ?? '')).not.toContain('*');
      }
    }
  });
});

describe('RAMPART_CORS_ORIGINS', () => {
  for (const value of ['*', 'null', `${LISTED},*`, `null,${LISTED}`]) {
    it(`refuses ${JSON.stringify(value)}, naming the variable`, () => {
      const load = () => loadConfig({ env: { RAMPART_CORS_ORIGINS: value } });
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(/^RAMPART_CORS_ORIGINS: /);
    });
  }

  it('refuses anything but an exact origin (a path, a trailing slash, another scheme)', () => {
    for (const value of [`${LISTED}/`, `${LISTED}/app`, 'ftp://app.example.com', 'app.example.com']) {
      expect(() => loadConfig({ env: { RAMPART_CORS_ORIGINS: value } }), value).toThrow(/^RAMPART_CORS_ORIGINS: /);
    }
  });

  it('accepts a list of exact origins', () => {
    const config = loadConfig({ env: { RAMPART_CORS_ORIGINS: `${LISTED}, http://localhost:5173` } });
    expect(config.corsOrigins).toEqual([LISTED, 'http://localhost:5173']);
  });
});
