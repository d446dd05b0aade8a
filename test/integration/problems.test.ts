import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Type } from '@sinclair/typebox';
import { MAX_JSON_DEPTH } from '../../src/kernel/http/chain/body-limit.js';
import { sqliteBackend, type BackendInstance } from '../helpers/backends.js';
import { expectProblem } from '../helpers/problems.js';
import { listeningPort, rawExchange } from '../helpers/raw-http.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const MIB = 1024 * 1024;
const JSON_HEADERS = { 'content-type': 'application/json' };

const SearchBody = Type.Object(
  { query: Type.String({ minLength: 1, maxLength: 100 }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) },
  { additionalProperties: false },
);

/** A JSON body of exactly `bytes` bytes: `{"pad":"xxx…"}`. */
function bodyOf(bytes: number): string {
  return JSON.stringify({ pad: 'x'.repeat(bytes - '{"pad":""}'.length) });
}

describe('problem answers', () => {
  let store: BackendInstance;
  let server: TestServer;
  let handled = 0;
  const received: unknown[] = [];

  beforeAll(async () => {
    store = await sqliteBackend.create();
    server = await testServer(store, {
      routes: async (app) => {
        app.post('/test/search', { config: { access: 'public' }, schema: { body: SearchBody } }, async (request) => {
          handled += 1;
          received.push(request.body);
          return { ok: true };
        });
        app.post('/test/default-limit', { config: { access: 'public' }, schema: { body: {} } }, async () => ({ ok: true }));
        app.post('/test/small-limit', { config: { access: 'public' }, bodyLimit: 1024, schema: { body: {} } }, async () => ({ ok: true }));
        app.post('/test/large-limit', { config: { access: 'public' }, bodyLimit: 2 * MIB, schema: { body: {} } }, async () => ({
          ok: true,
        }));
      },
    });
  });

  afterAll(async () => {
    await server.close();
    await store.cleanup();
  });

  const search = (payload: string, headers: Record<string, string> = JSON_HEADERS) =>
    server.app.inject({ method: 'POST', url: '/test/search', headers, payload });

  describe('400 validation_failed', () => {
    it('refuses a body that is not JSON, naming the body', async () => {
      const problem = expectProblem(await search('{"query": '), 'validation_failed');
      expect(problem.detail).toMatch(/^body: /);
      expect(problem.errors).toEqual([{ field: 'body', reason: 'is not valid JSON' }]);
    });

    it('refuses an empty JSON body', async () => {
      const problem = expectProblem(await search(''), 'validation_failed');
      expect(problem.detail).toMatch(/^body: /);
    });

    it('refuses an unknown field, naming it', async () => {
      const problem = expectProblem(await search('{"query":"a","admin":true}'), 'validation_failed');
      expect(problem.detail).toBe('body.admin: is not an allowed field');
    });

    it('refuses a missing field, naming it', async () => {
      const problem = expectProblem(await search('{"limit":10}'), 'validation_failed');
      expect(problem.detail).toBe('body.query: is required');
    });

    it('never coerces types: "limit": "10" and "query": ["a"] are refused', async () => {
      expect(expectProblem(await search('{"query":"a","limit":"10"}'), 'validation_failed').detail).toMatch(/^body\.limit: /);
      expect(expectProblem(await search('{"query":["a"]}'), 'validation_failed').detail).toMatch(/^body\.query: /);
      expect(expectProblem(await search('{"query":"a","limit":true}'), 'validation_failed').detail).toMatch(/^body\.limit: /);
    });

    it('refuses an out-of-range value, naming the field', async () => {
      expect(expectProblem(await search('{"query":"a","limit":101}'), 'validation_failed').detail).toMatch(/^body\.limit: /);
    });

    it('accepts a valid body (the schema is not refusing everything)', async () => {
      const before = handled;
      const response = await search('{"query":"a","limit":10}');
      expect(response.statusCode).toBe(200);
      expect(handled).toBe(before + 1);
      expect(received.at(-1)).toEqual({ query: 'a', limit: 10 });
    });
  });

  describe('deeply nested JSON', () => {
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

    it('refuses JSON nested 10,000 levels deep with 400, not a 500 (stack overflow in the idempotency fingerprint)', async () => {
      const response = await server.app.inject({
        method: 'POST',
        url: '/test/default-limit',
        headers: { ...JSON_HEADERS, 'idempotency-key': 'deep-nesting-1' },
        payload: nested(10_000),
      });
      expect(expectProblem(response, 'validation_failed').detail).toMatch(/^body: is nested deeper than \d+ levels$/);
    });

    it('accepts nesting up to the limit, and a string full of brackets', async () => {
      for (const payload of [nested(MAX_JSON_DEPTH), JSON.stringify({ text: `\\"${'[[{{'.repeat(100)}` })]) {
        const response = await server.app.inject({ method: 'POST', url: '/test/default-limit', headers: JSON_HEADERS, payload });
        expect(response.statusCode).toBe(200);
      }
      const over = await server.app.inject({
        method: 'POST',
        url: '/test/default-limit',
        headers: JSON_HEADERS,
        payload: nested(MAX_JSON_DEPTH + 1),
      });
      expectProblem(over, 'validation_failed');
    });
  });

  describe('prototype poisoning', () => {
    const poisoned = [
      '{"query":"a","__proto__":{"polluted":"yes"}}',
      '{"query":"a","constructor":{"prototype":{"polluted":"yes"}}}',
      '{"query":"a","nested":{"__proto__":{"polluted":"yes"}}}',
      '[{"__proto__":{"polluted":"yes"}}]',
    ];

    for (const payload of poisoned) {
      it(`refuses ${payload} before any handler runs, and no prototype changes`, async () => {
        const before = handled;
        const problem = expectProblem(await search(payload), 'validation_failed');
        expect(problem.detail).toMatch(/^body: .*forbidden key/);
        expect(handled).toBe(before);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.prototype).not.toHaveProperty('polluted');
        // And the next normal request sees a clean object.
        await search('{"query":"after"}');
        expect((received.at(-1) as Record<string, unknown>).polluted).toBeUndefined();
      });
    }
  });

  it('answers 404 not_found for an unknown route', async () => {
    expectProblem(await server.app.inject({ method: 'GET', url: '/no/such/route' }), 'not_found');
    expectProblem(await server.app.inject({ method: 'DELETE', url: '/api/v1/nothing' }), 'not_found');
  });

  describe('405 method_not_allowed', () => {
    it('answers POST on /healthz with Allow listing GET and HEAD', async () => {
      const response = await server.app.inject({ method: 'POST', url: '/healthz' });
      expectProblem(response, 'method_not_allowed');
      expect(String(response.headers.allow).split(', ').sort()).toEqual(['GET', 'HEAD']);
    });

    it('refuses TRACE everywhere, with Allow', async () => {
      for (const url of ['/healthz', '/no/such/route']) {
        const response = await server.app.inject({ method: 'TRACE', url });
        expectProblem(response, 'method_not_allowed');
        expect(response.headers.allow).toBeDefined();
        expect(String(response.headers.allow)).not.toContain('TRACE');
      }
    });

    it('refuses TRACK over a real socket (Node refuses it before Fastify) with problem+json', async () => {
      const port = await listeningPort(server.app);
      const response = await rawExchange(port, 'TRACK /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
      expect(response.status).toBe(405);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers.allow).toBeDefined();
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(JSON.parse(response.body)).toMatchObject({
        code: 'method_not_allowed',
        status: 405,
        request_id: response.headers['x-request-id'],
      });
    });
  });

  describe('413 payload_too_large', () => {
    it('refuses a body over the 1 MiB default and accepts one just under it', async () => {
      const over = await server.app.inject({ method: 'POST', url: '/test/default-limit', headers: JSON_HEADERS, payload: bodyOf(MIB + 1) });
      expectProblem(over, 'payload_too_large');
      const under = await server.app.inject({ method: 'POST', url: '/test/default-limit', headers: JSON_HEADERS, payload: bodyOf(MIB) });
      expect(under.statusCode).toBe(200);
    });

    it('applies a route that declares a smaller limit', async () => {
      const over = await server.app.inject({ method: 'POST', url: '/test/small-limit', headers: JSON_HEADERS, payload: bodyOf(1025) });
      expectProblem(over, 'payload_too_large');
      const under = await server.app.inject({ method: 'POST', url: '/test/small-limit', headers: JSON_HEADERS, payload: bodyOf(1024) });
      expect(under.statusCode).toBe(200);
    });

    it('applies a route that declares a larger limit', async () => {
      const response = await server.app.inject({
        method: 'POST',
        url: '/test/large-limit',
        headers: JSON_HEADERS,
        payload: bodyOf(MIB + MIB / 2),
      });
      expect(response.statusCode).toBe(200);
    });
  });

  describe('415 unsupported_media_type', () => {
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/jsonx',
      'text/json',
    ]) {
      it(`refuses a ${type} body before any handler runs`, async () => {
        const before = handled;
        expectProblem(await search('query=a&limit=10', { 'content-type': type }), 'unsupported_media_type');
        expect(handled).toBe(before);
      });
    }

    it('refuses a body with no content type', async () => {
      expectProblem(await server.app.inject({ method: 'POST', url: '/test/search', payload: '{"query":"a"}' }), 'unsupported_media_type');
    });

    it('accepts application/json with parameters and in any case', async () => {
      for (const type of ['application/json; charset=utf-8', 'Application/JSON']) {
        expect((await search('{"query":"a"}', { 'content-type': type })).statusCode).toBe(200);
      }
    });
  });

  // Regression: Fastify answered a malformed percent-escape itself (400 application/json, no request
  // id, no security headers, the path echoed) until server.ts routed `frameworkErrors` to toProblem.
  it('answers a malformed percent-escape in the path with a problem, never echoing the path', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/healthz%' });
    expect(response.statusCode).toBeLessThan(500);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-request-id']).toBeDefined();
    expect(response.body).not.toContain('healthz%');
  });
});
