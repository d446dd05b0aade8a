/**
 * Issue 22, item 7: SQL-injection, script and malformed-text payloads through every string-taking
 * route, on SQLite and PostgreSQL. The routes come from the live server's OpenAPI document, so a
 * route added later is swept too. Each payload goes, for every route, (a) into every path
 * parameter, and (b) into every string of the query and of the JSON body (built from the route's
 * own schema) with the path naming a real org, as its owner. Never a 500; every refusal a
 * problem+json with a `code`; and afterwards every table still exists, no account appeared, and
 * an org named with a payload reads back exactly as it was sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { backends, type BackendInstance, type BackendName } from '../helpers/backends.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, createOrg, type OrgBody } from '../helpers/orgs.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const PAYLOADS: readonly string[] = [
  "' OR 1=1 --",
  '"; DROP TABLE users; --',
  "x'); DELETE FROM orgs; --",
  '<script>alert(1)</script>',
  '\u0000',
  'A'.repeat(10_000),
  '\u202e\u0007evil',
  '${7*7}{{7*7}}',
  '../../etc/passwd',
];

/** Routes whose variant (b) would act for real on the caller's own state, each with the reason. */
const NOT_WITH_A_REAL_ORG: Readonly<Record<string, string>> = {
  'POST /api/v1/orgs/{org}/jobs': 'would start a sandboxed process per payload; the command strings are checked by the jobs tests',
  'POST /api/v1/auth/logout': "ends the caller's own session whatever the body says",
  'POST /api/v1/sessions/revoke-all': "the kill switch: would end the caller's own session",
  'POST /api/v1/orgs/{org}/sessions/revoke-all': "the org's kill switch: would end the caller's own session",
};

interface Schema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly items?: Schema;
  readonly anyOf?: readonly Schema[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly minimum?: number;
}
interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly schema?: Schema;
}
interface Operation {
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: { readonly content?: Readonly<Record<string, { readonly schema?: Schema }>> };
}
interface Document {
  readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>>;
  readonly components?: { readonly schemas?: Readonly<Record<string, Schema>> };
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

function resolver(document: Document): (schema: Schema | undefined) => Schema {
  return (schema) => {
    if (schema?.$ref === undefined) return schema ?? {};
    return document.components?.schemas?.[schema.$ref.split('/').at(-1) ?? ''] ?? {};
  };
}

/** A body of `schema`'s shape with `payload` in every string (first alternative of a union). */
function bodyOf(schema: Schema, payload: string, resolve: (s: Schema | undefined) => Schema, depth = 0): unknown {
  const s = resolve(schema);
  if (s.anyOf !== undefined && s.anyOf.length > 0) return bodyOf(s.anyOf[0] ?? {}, payload, resolve, depth);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'object': {
      if (depth > 3) return {};
      const out: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(s.properties ?? {})) out[name] = bodyOf(property, payload, resolve, depth + 1);
      return out;
    }
    case 'array':
      return [bodyOf(s.items ?? { type: 'string' }, payload, resolve, depth + 1)];
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return false;
    case 'string':
      return payload;
    default:
      return s.const ?? s.enum?.[0] ?? payload;
  }
}

interface Route {
  readonly method: Method;
  readonly path: string;
  readonly pathParams: readonly string[];
  readonly queryStrings: readonly string[];
  readonly body: Schema | undefined;
}

function routesOf(document: Document): Route[] {
  const resolve = resolver(document);
  const out: Route[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const upper = method.toUpperCase();
      if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(upper)) continue;
      const parameters = operation.parameters ?? [];
      const json = Object.entries(operation.requestBody?.content ?? {}).find(([type]) => type.includes('json'))?.[1].schema;
      const body = json === undefined ? undefined : resolve(json);
      out.push({
        method: upper as Method,
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        queryStrings: parameters.filter((p) => p.in === 'query' && resolve(p.schema).type === 'string').map((p) => p.name),
        body: body !== undefined && JSON.stringify(body).includes('"string"') ? body : undefined,
      });
    }
  }
  return out;
}

async function tables(server: TestServer, dialect: BackendName): Promise<string[]> {
  const rows =
    dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'table' order by name`.execute(server.stored.db)
      : await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(server.stored.db);
  return rows.rows.map((row) => row.name);
}

for (const backend of await backends()) {
  describe(`injection payloads through every route on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let admin: Grant;
    let org: OrgBody;
    let document: Document;

    beforeAll(async () => {
      store = await backend.create();
      server = await testServer(store, {
        env: { ...ADMIN_ENV, RAMPART_RATE_LIMIT: '100000', RAMPART_LOGIN_RATE_LIMIT: '100000' },
        background: false,
      });
      admin = await login(server.app);
      org = await createOrg(server.app, admin);
      document = (await server.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<Document>();
    });
    afterAll(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('promises 7: no payload in any path parameter, query string or body string gets a 500, and every refusal is a problem with a code', async () => {
      const resolve = resolver(document);
      const before = await tables(server, backend.name);
      const users = await server.rampart.identity.users.count();
      const routes = routesOf(document).filter(
        (route) => route.pathParams.length + route.queryStrings.length > 0 || route.body !== undefined,
      );
      expect(routes.length).toBeGreaterThan(60);
      const failures: string[] = [];
      let sent = 0;
      const send = async (route: Route, url: string, payload: string, body: unknown): Promise<void> => {
        const response = await server.app.inject({
          method: route.method,
          url,
          headers: { authorization: `Bearer ${admin.access_token}` },
          ...(body === undefined ? {} : { payload: body as object }),
        });
        sent += 1;
        const what = `${route.method} ${route.path} with ${JSON.stringify(payload.slice(0, 40))}`;
        if (response.statusCode >= 500 && response.statusCode !== 503)
          failures.push(`${what}: ${response.statusCode} ${response.body.slice(0, 200)}`);
        const type = String(response.headers['content-type'] ?? '');
        // A page for people (the new-device links a mail opens) never reflects the payload.
        if (type.includes('text/html')) {
          if (payload.length > 3 && response.body.includes(payload)) failures.push(`${what}: the page reflects the payload`);
          return;
        }
        if (response.statusCode >= 400) {
          const problem = type.includes('json') ? (response.json<{ code?: unknown }>() ?? {}) : {};
          const oauth = type.includes('json') ? (response.json<{ error?: unknown }>() ?? {}) : {};
          // RFC 6749 §5.2 errors ({error}) on the OAuth endpoints; problem+json everywhere else.
          if (typeof problem.code !== 'string' && typeof oauth.error !== 'string')
            failures.push(`${what}: ${response.statusCode} without a code: ${response.body.slice(0, 200)}`);
        }
      };
      for (const payload of PAYLOADS) {
        const encoded = encodeURIComponent(payload);
        for (const route of routes) {
          const key = `${route.method} ${route.path}`;
          // (a) the payload in every path parameter: nothing is found, nothing is acted on.
          if (route.pathParams.length > 0) {
            const url = route.pathParams.reduce((path, name) => path.replace(`{${name}}`, encoded), route.path);
            await send(route, url, payload, route.body === undefined ? undefined : bodyOf(route.body, 'x', resolve));
          }
          // (b) a real org (as its owner), the payload in every query and body string.
          if ((route.queryStrings.length > 0 || route.body !== undefined) && NOT_WITH_A_REAL_ORG[key] === undefined) {
            const path = route.pathParams.reduce(
              (p, name) => p.replace(`{${name}}`, name === 'org' ? org.slug : encodeURIComponent(`${name}-${payload.slice(0, 20)}`)),
              route.path,
            );
            const query = route.queryStrings.map((name) => `${name}=${encoded}`).join('&');
            await send(
              route,
              query === '' ? path : `${path}?${query}`,
              payload,
              route.body === undefined ? undefined : bodyOf(route.body, payload, resolve),
            );
          }
        }
      }
      expect(failures).toEqual([]);
      expect(sent).toBeGreaterThan(PAYLOADS.length * 60);
      // Nothing was dropped or created behind the answers' backs.
      expect(await tables(server, backend.name)).toEqual(before);
      expect(await server.rampart.identity.users.count()).toBe(users);
      // And the sweep ran as the admin to the end (no route quietly ended its session).
      expect((await as(server.app, admin, 'GET', '/api/v1/me')).statusCode).toBe(200);
    }, 240_000);

    it('promises 7: a name made of a payload is stored and read back exactly as sent', async () => {
      for (const payload of ["' OR 1=1 --", '"; DROP TABLE users; --', '<script>alert(1)</script>', '${7*7}{{7*7}}']) {
        const created = await as(server.app, admin, 'POST', '/api/v1/orgs', { name: payload });
        expect(created.statusCode, created.body).toBe(201);
        const id = created.json<OrgBody>().id;
        const read = await as(server.app, admin, 'GET', `/api/v1/orgs/${id}`);
        expect(read.statusCode).toBe(200);
        expect(read.json<OrgBody>().name).toBe(payload);
        expect(String(read.headers['content-type'])).toContain('application/json');
      }
    });
  });
}
