import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileErrors, validate } from '@readme/openapi-parser';
import { Type } from '@sinclair/typebox';
import { sqliteBackend, type BackendInstance } from '../helpers/backends.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

/** The parts of an OpenAPI 3.1 document these tests read. */
interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
  readonly description?: string;
}

interface Operation {
  readonly parameters?: readonly Parameter[];
  readonly responses?: Readonly<Record<string, unknown>>;
  readonly security?: readonly Readonly<Record<string, readonly string[]>>[];
  readonly 'x-rampart-access'?: unknown;
}

interface Document {
  readonly openapi: string;
  readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>>;
}

/** One documented operation: "POST /path", its lower-case method, its path and its object. */
interface Documented {
  readonly route: string;
  readonly method: string;
  readonly path: string;
  readonly operation: Operation;
}

const OPERATION_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'patch', 'trace']);
const MUTATING = new Set(['post', 'put', 'patch', 'delete']);

/**
 * Every route the server answers, as "METHOD /path" in OpenAPI's `{param}` form, read from
 * Fastify's own route tree (`printRoutes`: one node per line, children indented four columns).
 */
function registeredRoutes(tree: string): string[] {
  const routes: string[] = [];
  const prefixes: string[] = [];
  for (const line of tree.split('\n')) {
    const node = /^([│ ]*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (node === null) continue;
    const [, indent = '', segment = '', methods = ''] = node;
    prefixes.length = indent.length / 4;
    const path = `${prefixes.join('')}${segment}`.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    prefixes.push(segment);
    for (const method of methods === '' ? [] : methods.split(', ')) {
      // HEAD is Fastify's automatic twin of each GET; OpenAPI documents the GET.
      if (method !== 'HEAD') routes.push(`${method} ${path}`);
    }
  }
  return routes.sort((a, b) => a.localeCompare(b));
}

function documented(document: Document): Documented[] {
  const found: Documented[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (OPERATION_METHODS.has(method)) found.push({ route: `${method.toUpperCase()} ${path}`, method, path, operation });
    }
  }
  return found.sort((a, b) => a.route.localeCompare(b.route));
}

function operation(document: Document, route: string): Operation {
  const found = documented(document).find((entry) => entry.route === route);
  if (found === undefined) throw new Error(`${route} is not documented`);
  return found.operation;
}

function idempotencyParameter(op: Operation): Parameter | undefined {
  return op.parameters?.find((parameter) => parameter.name === 'Idempotency-Key');
}

async function validationErrors(document: Document): Promise<string> {
  // validate() dereferences in place: give it a copy.
  const result = await validate(structuredClone(document) as unknown as Parameters<typeof validate>[0]);
  return result.valid ? '' : compileErrors(result);
}

describe('the OpenAPI document', () => {
  let store: BackendInstance;
  let server: TestServer;
  let document: Document;

  beforeAll(async () => {
    store = await sqliteBackend.create();
    server = await testServer(store, {
      routes: async (app) => {
        app.post(
          '/test/widgets',
          {
            config: { access: 'authenticated' },
            schema: { body: Type.Object({ name: Type.String() }, { additionalProperties: false }) },
          },
          async () => ({ ok: true }),
        );
        app.delete('/test/widgets/:id', { config: { access: { permission: 'widgets.manage', scope: 'org' } } }, async () => ({ ok: true }));
        app.post('/test/secrets-once', { config: { access: 'authenticated', idempotency: false }, schema: { body: {} } }, async () => ({
          secret: 'shown once',
        }));
      },
    });
    const response = await server.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(response.statusCode).toBe(200);
    document = response.json<Document>();
  });

  afterAll(async () => {
    await server.close();
    await store.cleanup();
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toBe('3.1.0');
    expect(await validationErrors(document)).toBe('');
  });

  it('stays the same valid document when fetched again (it is not completed twice)', async () => {
    const again = (await server.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<Document>();
    expect(again).toEqual(document);
    expect(await validationErrors(again)).toBe('');
  });

  it('documents every registered route, and nothing else', () => {
    const registered = registeredRoutes(server.app.printRoutes({ commonPrefix: false }));
    expect(registered).toEqual(expect.arrayContaining(['GET /healthz', 'GET /metrics', 'POST /test/widgets', 'DELETE /test/widgets/{id}']));
    expect(documented(document).map((entry) => entry.route)).toEqual(registered);
  });

  it('states every route’s access declaration in x-rampart-access', () => {
    for (const { route, operation: op } of documented(document)) expect(op['x-rampart-access'], route).toBeDefined();
    expect(operation(document, 'GET /healthz')['x-rampart-access']).toBe('public');
    expect(operation(document, 'POST /test/widgets')['x-rampart-access']).toBe('authenticated');
    expect(operation(document, 'DELETE /test/widgets/{id}')['x-rampart-access']).toEqual({
      permission: 'widgets.manage',
      scope: 'org',
      exempt_addresses: false,
    });
    expect(operation(document, 'GET /metrics')['x-rampart-access']).toMatchObject({ permission: 'metrics.read', exempt_addresses: true });
  });

  it('requires a credential in the document wherever the route does', () => {
    expect(operation(document, 'GET /healthz').security).toBeUndefined();
    expect(operation(document, 'POST /test/widgets').security).toEqual([{ bearer: [] }, { session: [] }]);
  });

  // Routes whose answers hold a secret shown once (tokens, a new key) opt out of replay.
  const NOT_REPLAYED = new Set([
    'POST /test/secrets-once',
    'POST /api/v1/auth/login',
    // Issue 16: a public verification stores nothing to replay (its answer is recomputed each time).
    'POST /api/v1/artifacts/verify',
    'POST /api/v1/auth/refresh',
    'POST /api/v1/users',
    'POST /api/v1/auth/register',
    'POST /api/v1/auth/password/set',
    'POST /api/v1/me/password',
    'POST /api/v1/auth/mfa/verify',
    // Issue 17: directory sign-ins answer with tokens, like the password login.
    'POST /api/v1/auth/ldap/{directory}/login',
    'POST /api/v1/auth/pam/login',
    // A new-device alert's link: one-time, spent by its first use (a replay must be refused, not answered again).
    'POST /api/v1/auth/new-device/{token}',
    'POST /api/v1/auth/step-up',
    'POST /api/v1/me/mfa/totp',
    'POST /api/v1/me/mfa/totp/confirm',
    'POST /api/v1/api-keys',
    'POST /api/v1/api-keys/{id}/rotate',
    'POST /api/v1/orgs/{org}/clients',
    'POST /api/v1/oauth/token',
    'POST /api/v1/oauth/introspect',
    'POST /api/v1/oauth/revoke',
    'POST /api/v1/orgs/{org}/secrets/{name}/reveal',
    // Issues 15 and 16: a signing secret, a licence key or an activation token shown once; an
    // inbound event's own id is its replay key; a deactivation spends its token.
    'POST /api/v1/orgs/{org}/webhooks',
    'POST /api/v1/orgs/{org}/webhooks/{id}/rotate-secret',
    'POST /api/v1/hooks/{source}',
    'POST /api/v1/orgs/{org}/licences',
    'POST /api/v1/licences/activate',
    'POST /api/v1/licences/{id}/deactivate',
    // Issue 17: a mailed token, a new password, or an address whose answer must not be kept.
    'POST /api/v1/auth/email/confirm',
    'POST /api/v1/auth/password/forgot',
    'POST /api/v1/auth/password/reset',
    // Issue 17: linking answers with a one-time authorization URL bound to a fresh state cookie.
    'POST /api/v1/me/identities',
    // Issue 18: a ceremony's options carry a single-use challenge; its verification spends it
    // (a replay must be refused, not answered again) and a sign-in answers with tokens.
    'POST /api/v1/auth/passkey/options',
    'POST /api/v1/auth/passkey/verify',
    'POST /api/v1/auth/step-up/passkey/options',
    'POST /api/v1/auth/step-up/passkey',
    'POST /api/v1/me/passkeys/options',
    'POST /api/v1/me/passkeys',
  ]);

  it('documents Idempotency-Key, with its 24 h lifetime, on every mutating route', () => {
    for (const { route, method, operation: op } of documented(document)) {
      const parameter = idempotencyParameter(op);
      if (!MUTATING.has(method) || NOT_REPLAYED.has(route)) {
        expect(parameter, route).toBeUndefined();
        continue;
      }
      expect(parameter, route).toMatchObject({ in: 'header', required: false });
      expect(parameter?.description).toContain('24 h');
      expect(parameter?.description).toContain('idempotency_key_reused');
    }
  });

  it('leaves Idempotency-Key out of a route that opts out of replay', () => {
    expect(idempotencyParameter(operation(document, 'POST /test/secrets-once'))).toBeUndefined();
  });

  it('documents the problem responses of every operation', () => {
    for (const { route, operation: op } of documented(document)) {
      expect(Object.keys(op.responses ?? {}), route).toEqual(expect.arrayContaining(['4XX', '5XX']));
    }
  });
});
