/**
 * Hardening 12 (parser differentials): the same bytes must mean the same thing to Rampart as to
 * whatever sits in front of it — a proxy, a WAF, a request signer, a cache.
 *
 * - Duplicate JSON members: `{"slug":"ok","slug":"evil"}` is `ok` to a first-wins parser (or a WAF
 *   that checked the first) and `evil` to `JSON.parse`. Refused, 400 `validation_failed`, at any
 *   depth and whatever the escapes (`"slug"` and `"\u0073lug"` are one name); nothing is created.
 * - Query numbers: ajv's coercion is `Number(text)`, so `limit=1e2`, `limit=0x10` and `limit= 5`
 *   were read as 100, 16 and 5 while a proxy sees text that is not a number. Only plain decimal
 *   digits pass, on every route.
 * - CORS: the preflight allow-list offered `X-CSRF-Token`, a header nothing reads, and not
 *   `X-Rampart-CSRF`, the one the CSRF rule reads — a listed origin's page could not send it.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasDuplicateMember } from '../../src/kernel/http/chain/body-limit.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { bearer, uniqueSlug } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const LISTED = 'https://app.example.test';

/** Routes of the test's own that pass the chain: a query with an integer and a number, and a body echo. */
const probeRoutes = async (app: FastifyInstance) => {
  app.get(
    '/test/numbers',
    {
      config: { access: 'public' },
      schema: {
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 0 })),
            ratio: Type.Optional(Type.Number()),
            either: Type.Optional(Type.Union([Type.Integer(), Type.Literal('all')])),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => ({ query: request.query }),
  );
  app.post('/test/echo', { config: { access: 'public', idempotency: false }, schema: { body: {} } }, async (request) => ({
    body: request.body,
  }));
};

describe('hasDuplicateMember', () => {
  it('hardening 12: finds a repeated member name at any depth, escaped or not, and nothing else', () => {
    const duplicated = [
      '{"a":1,"a":2}',
      '{"a":1, "b":{"c":1,"c":1}}',
      '[{"x":1},{"y":[{"z":1,"z":2}]}]',
      '{"slug":"a","\\u0073lug":"b"}',
      '{"a\\"b":1,"a\\u0022b":2}',
      '{ "a" : 1 ,\n\t"a"\r\n: 2 }',
    ];
    for (const text of duplicated) expect(hasDuplicateMember(text), text).toBe(true);
    const clean = [
      '{"a":1,"b":2}',
      '{"a":{"a":{"a":1}}}',
      '[{"a":1},{"a":2}]',
      '{"a":"a","b":"a:a"}',
      '{"a":["a","a"]}',
      '{"k":"\\"","k2":"\\\\"}',
      '{"a\\\\":1,"a":2}',
      '"a"',
      '{}',
    ];
    for (const text of clean) expect(hasDuplicateMember(text), text).toBe(false);
  });

  it('hardening 12: scans a large body in one pass (a megabyte of members)', () => {
    const members = Array.from({ length: 50_000 }, (_, i) => `"k${i}":${i}`).join(',');
    expect(hasDuplicateMember(`{${members}}`)).toBe(false);
    expect(hasDuplicateMember(`{${members},"k49999":0}`)).toBe(true);
  });
});

for (const backend of await backends()) {
  describe(`parser differentials on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let admin: Grant;

    beforeAll(async () => {
      store = await backend.create();
      server = await testServer(store, { env: { ...ADMIN_ENV, RAMPART_CORS_ORIGINS: LISTED }, routes: probeRoutes });
      admin = await login(server.app);
    });

    afterAll(async () => {
      await server?.close();
      await store?.cleanup();
    });

    const rawPost = (url: string, body: string, headers: Record<string, string> = {}) =>
      server.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, payload: body });

    it('hardening 12: a body with a duplicated member is 400 validation_failed and creates nothing', async () => {
      const first = uniqueSlug();
      const second = uniqueSlug();
      for (const body of [
        `{"name":"Twice","slug":"${first}","slug":"${second}"}`,
        `{"name":"Twice","slug":"${first}","\\u0073lug":"${second}"}`,
        `{"name":"Twice","name":"Again","slug":"${first}"}`,
      ]) {
        const response = await rawPost('/api/v1/orgs', body, bearer(admin));
        expectProblem(response, 'validation_failed');
        expect(response.json<{ detail: string }>().detail).toBe('body: names a member twice in one object');
      }
      for (const slug of [first, second]) {
        expectProblem(await server.app.inject({ method: 'GET', url: `/api/v1/orgs/${slug}`, headers: bearer(admin) }), 'not_found');
      }
    });

    it('hardening 12: a duplicate deep inside the body is refused before the route runs', async () => {
      expectProblem(await rawPost('/test/echo', '{"outer":[{"inner":{"k":1,"k":2}}]}'), 'validation_failed');
      const clean = await rawPost('/test/echo', '{"outer":[{"k":1},{"k":2}]}');
      expect(clean.statusCode).toBe(200);
      expect(clean.json()).toEqual({ body: { outer: [{ k: 1 }, { k: 2 }] } });
    });

    it('hardening 12: a login body with the password twice is refused as invalid, not tried', async () => {
      const body = `{"email":"${ADMIN_ENV.RAMPART_BOOTSTRAP_ADMIN_EMAIL}","password":"wrong","password":"${ADMIN_ENV.RAMPART_BOOTSTRAP_ADMIN_PASSWORD}"}`;
      expectProblem(await rawPost('/api/v1/auth/login', body), 'validation_failed');
    });

    it('hardening 12: prototype poisoning and the body limit still hold', async () => {
      expectProblem(await rawPost('/test/echo', '{"__proto__":{"admin":true}}'), 'validation_failed');
      expectProblem(await rawPost('/test/echo', '{"constructor":{"prototype":{"admin":true}}}'), 'validation_failed');
      const big = await rawPost('/test/echo', `{"a":"${'x'.repeat(1024 * 1024)}"}`);
      expectProblem(big, 'payload_too_large');
    });

    it('hardening 12: query integers accept only plain decimal digits (limit=1e2, 0x10, " 5" refused)', async () => {
      for (const limit of ['1e2', '0x10', ' 5', '5 ', '+5', '0b11', '0o7', '1.0', '05', '1_000', 'Infinity', '', '-0']) {
        const response = await server.app.inject({ method: 'GET', url: `/test/numbers?limit=${encodeURIComponent(limit)}` });
        expectProblem(response, 'validation_failed');
        expect(response.json<{ detail: string }>().detail, limit).toMatch(/^query\.limit: /);
      }
      const plain = await server.app.inject({ method: 'GET', url: '/test/numbers?limit=100' });
      expect(plain.statusCode).toBe(200);
      expect(plain.json()).toEqual({ query: { limit: 100 } });
      expect((await server.app.inject({ method: 'GET', url: '/test/numbers?limit=0' })).json()).toEqual({ query: { limit: 0 } });
    });

    it('hardening 12: query numbers accept a plain decimal fraction and nothing fancier', async () => {
      expect((await server.app.inject({ method: 'GET', url: '/test/numbers?ratio=-0.25' })).json()).toEqual({ query: { ratio: -0.25 } });
      for (const ratio of ['1e-3', '.5', '5.', '0x1p3', 'NaN']) {
        expectProblem(await server.app.inject({ method: 'GET', url: `/test/numbers?ratio=${ratio}` }), 'validation_failed');
      }
      expect((await server.app.inject({ method: 'GET', url: '/test/numbers?either=all' })).json()).toEqual({ query: { either: 'all' } });
      expect((await server.app.inject({ method: 'GET', url: '/test/numbers?either=7' })).json()).toEqual({ query: { either: 7 } });
      expectProblem(await server.app.inject({ method: 'GET', url: '/test/numbers?either=7e0' }), 'validation_failed');
    });

    it("hardening 12: a real route's limit refuses 1e2, 0x10 and ' 5' and takes 2", async () => {
      for (const limit of ['1e2', '0x10', '%205']) {
        expectProblem(
          await server.app.inject({ method: 'GET', url: `/api/v1/users?limit=${limit}`, headers: bearer(admin) }),
          'validation_failed',
        );
      }
      const page = await server.app.inject({ method: 'GET', url: '/api/v1/users?limit=2', headers: bearer(admin) });
      expect(page.statusCode, page.body).toBe(200);
    });

    it('hardening 12: the CORS preflight offers X-Rampart-CSRF, the header the CSRF rule reads, and not X-CSRF-Token', async () => {
      const response = await server.app.inject({
        method: 'OPTIONS',
        url: '/api/v1/orgs',
        headers: { origin: LISTED, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-rampart-csrf' },
      });
      expect(response.statusCode).toBe(204);
      const allowed = String(response.headers['access-control-allow-headers'])
        .split(',')
        .map((name) => name.trim().toLowerCase());
      expect(allowed).toContain('x-rampart-csrf');
      expect(allowed).not.toContain('x-csrf-token');
      const simple = await server.app.inject({ method: 'GET', url: '/healthz', headers: { origin: LISTED } });
      expect(String(simple.headers['access-control-expose-headers']).toLowerCase()).toContain('x-rampart-csrf');
    });
  });
}
