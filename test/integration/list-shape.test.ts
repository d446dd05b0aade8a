/**
 * Issue 21, item 5 (spec v1.1, "Refinements"): every list answers `{items, next_cursor}` — no bare
 * array (`/me/sessions` was one), no resource-named collection (`{users}`, `{orgs}`, `{members}`…);
 * the audit listing keeps `entries` — and every list takes `?cursor&limit`, whose cursors are
 * opaque and authenticated (src/kernel/http/cursor.ts): a tampered, invented, truncated or foreign
 * cursor (another list's, another caller's, another org's) is 400 `validation_failed`, never a 500
 * and never a page of someone else's rows.
 *
 * The lists are found from the live server's OpenAPI document, which documents every route the
 * server registers (test/integration/openapi.test.ts): any GET whose 200 answer is an array, or an
 * object holding an array of objects, is a list — so a route added later is held to the shape
 * unless it is listed in NOT_LISTS with the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, sqliteBackend, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, createOrg, createUser, inviteMember, MEMBER_PASSWORD, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { decodeCursor, encodeCursor, openCursor } from '../../src/kernel/http/cursor.js';
import { secret } from '../../src/kernel/domain/secret.js';

/** GET routes whose answer holds an array of objects without being a list, each with the reason. */
const NOT_LISTS: Readonly<Record<string, string>> = {
  'GET /api/v1/orgs/{org}/audit': 'the audit listing keeps `{entries, next_cursor}` (spec v1.1)',
  'GET /api/v1/artifacts/keys': 'a JWK Set: `keys` is RFC 7517 §5',
  'GET /api/v1/me': 'one resource, the caller; `memberships` is a part of it',
  'GET /api/v1/me/export': 'one document (GDPR Art. 15/20) whose sections are arrays',
  'GET /api/v1/orgs/{org}/jobs/{id}': 'one job; `files` is a part of it',
  'GET /api/v1/orgs/{org}/members/{user_id}/permissions': "one member's effective permissions, a part of the member",
  'GET /api/v1/orgs/{org}/webhooks/{id}/deliveries/{delivery}': 'one delivery; `attempts_log` is a part of it',
  'GET /api/v1/orgs/{org}/access-review': 'one report (an access review) whose sections are arrays',
  'GET /api/v1/privacy/record': 'one document (a record of processing) whose sections are arrays',
};

interface Schema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly items?: Schema;
  readonly anyOf?: readonly Schema[];
}
interface Operation {
  readonly parameters?: readonly { readonly name: string; readonly in: string }[];
  readonly responses?: Readonly<Record<string, { readonly content?: Readonly<Record<string, { readonly schema?: Schema }>> }>>;
}
interface Document {
  readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>>;
  readonly components?: { readonly schemas?: Readonly<Record<string, Schema>> };
}

function resolver(document: Document): (schema: Schema | undefined) => Schema {
  return (schema) => {
    if (schema?.$ref === undefined) return schema ?? {};
    const name = schema.$ref.split('/').at(-1) ?? '';
    return document.components?.schemas?.[name] ?? {};
  };
}

/** Every GET route whose 200 JSON answer is a collection, with its answer schema. */
function collections(document: Document): { route: string; operation: Operation; answer: Schema }[] {
  const resolve = resolver(document);
  const found: { route: string; operation: Operation; answer: Schema }[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    const operation = item.get;
    const content = operation?.responses?.['200']?.content ?? {};
    const json = Object.entries(content).find(([type]) => type.includes('json'))?.[1].schema;
    if (operation === undefined || json === undefined) continue;
    const answer = resolve(json);
    const isArray = (s: Schema | undefined): boolean => resolve(s).type === 'array';
    const ofObjects = (s: Schema | undefined): boolean => isArray(s) && resolve(resolve(s).items).type === 'object';
    if (isArray(answer) || Object.values(answer.properties ?? {}).some(ofObjects)) found.push({ route: `GET ${path}`, operation, answer });
  }
  return found.sort((a, b) => a.route.localeCompare(b.route));
}

describe('adoption 5: the shape of every list, from the live route table', () => {
  let server: TestServer;
  let backend: BackendInstance;
  let document: Document;

  beforeAll(async () => {
    backend = await sqliteBackend.create();
    server = await testServer(backend);
    document = (await server.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<Document>();
  });
  afterAll(async () => {
    await server.close();
    await backend.cleanup();
  });

  it('adoption 5: every GET answering a collection answers {items, next_cursor} and takes ?cursor&limit', () => {
    const lists = collections(document).filter(({ route }) => NOT_LISTS[route] === undefined);
    expect(lists.length).toBeGreaterThanOrEqual(15);
    const wrong = lists.flatMap(({ route, operation, answer }) => {
      const problems: string[] = [];
      const keys = Object.keys(answer.properties ?? {}).sort();
      if (answer.type === 'array') problems.push('a bare array');
      else if (JSON.stringify(keys) !== JSON.stringify(['items', 'next_cursor'])) problems.push(`answers {${keys.join(', ')}}`);
      const query = new Set((operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name));
      if (!query.has('cursor') || !query.has('limit')) problems.push('takes no ?cursor&limit');
      return problems.map((problem) => `${route}: ${problem}`);
    });
    expect(wrong).toEqual([]);
  });

  it('adoption 5: every exemption names a route that exists and still holds an array (no stale reason)', () => {
    const routes = new Set(collections(document).map(({ route }) => route));
    const documented = new Set(Object.entries(document.paths).flatMap(([path, item]) => (item.get === undefined ? [] : [`GET ${path}`])));
    // Exemptions for routes other helpers may add later are allowed only while the route is absent.
    const stale = Object.keys(NOT_LISTS).filter((route) => documented.has(route) && !routes.has(route));
    expect(stale).toEqual([]);
    expect(routes.has('GET /api/v1/orgs/{org}/audit')).toBe(true);
  });
});

describe('adoption 5: the cursor itself', () => {
  const key = secret(Buffer.alloc(32, 7));
  const other = secret(Buffer.alloc(32, 8));
  const binding = { list: 'users', owner: 'platform' };

  it('adoption 5: a cursor opens only as handed out, on its list, for its owner, under its key', () => {
    const cursor = encodeCursor(key, { ...binding, position: 'usr_0001' });
    expect(openCursor(key, binding, cursor)).toBe('usr_0001');
    expect(openCursor(other, binding, cursor)).toBeUndefined();
    expect(openCursor(key, { ...binding, list: 'api-keys' }, cursor)).toBeUndefined();
    expect(openCursor(key, { ...binding, owner: 'usr_other' }, cursor)).toBeUndefined();
    const [body = '', tag = ''] = cursor.split('.');
    const flip = (text: string, at: number): string => `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;
    for (const tampered of [
      `${flip(body, 2)}.${tag}`,
      `${body}.${flip(tag, 3)}`,
      `${body}.${tag.slice(0, -1)}`,
      `${body}A.${tag}`,
      body,
      `${cursor}.x`,
      '',
    ]) {
      expect(openCursor(key, binding, tampered), tampered).toBeUndefined();
    }
    expect(() => decodeCursor(key, binding, `${flip(body, 2)}.${tag}`)).toThrow(/cursor/);
    expect(decodeCursor(key, binding, undefined)).toBeUndefined();
  });
});

for (const backend of await backends()) {
  describe(`adoption 5: authenticated cursors through the API on ${backend.name}`, () => {
    let instance: BackendInstance;
    let server: TestServer;
    let admin: Grant;
    let alice: OrgUser;
    let bob: OrgUser;
    let orgA: OrgBody;
    let orgB: OrgBody;

    beforeAll(async () => {
      instance = await backend.create();
      server = await testServer(instance, { env: ADMIN_ENV });
      admin = await login(server.app);
      alice = await createUser(server.app, admin);
      bob = await createUser(server.app, admin);
      await login(server.app, alice.email, MEMBER_PASSWORD);
      await login(server.app, alice.email, MEMBER_PASSWORD);
      orgA = await createOrg(server.app, alice.grant);
      orgB = await createOrg(server.app, bob.grant);
      await inviteMember(server.app, alice.grant, orgA.id, bob, 'admin');
    });
    afterAll(async () => {
      await server?.close();
      await instance?.cleanup();
    });

    async function page(grant: Grant, url: string): Promise<{ items: { id?: string; user_id?: string }[]; next_cursor: string | null }> {
      const response = await as(server.app, grant, 'GET', url);
      expect(response.statusCode, response.body).toBe(200);
      return response.json();
    }

    async function walk(grant: Grant, url: string): Promise<string[]> {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const joiner = url.includes('?') ? '&' : '?';
        const body = await page(grant, `${url}${joiner}limit=1${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
        expect(body.items.length).toBeLessThanOrEqual(1);
        seen.push(...body.items.map((item) => item.id ?? item.user_id ?? ''));
        cursor = body.next_cursor;
      } while (cursor !== null);
      return seen;
    }

    it('adoption 5: /me/sessions answers {items, next_cursor} and pages through every live session once', async () => {
      const whole = await page(alice.grant, '/api/v1/me/sessions');
      expect(Object.keys(whole).sort()).toEqual(['items', 'next_cursor']);
      expect(whole.items.length).toBe(3);
      expect(whole.next_cursor).toBeNull();
      const walked = await walk(alice.grant, '/api/v1/me/sessions');
      expect(walked).toEqual(whole.items.map((s) => s.id));
      expect(new Set(walked).size).toBe(3);
    });

    it("adoption 5: an org's members page through by cursor, in the order of the whole list", async () => {
      const whole = await page(alice.grant, `/api/v1/orgs/${orgA.id}/members`);
      expect(whole.items.map((m) => m.user_id).sort()).toEqual([alice.id, bob.id].sort());
      expect(await walk(alice.grant, `/api/v1/orgs/${orgA.id}/members`)).toEqual(whole.items.map((m) => m.user_id));
    });

    it('adoption 5: a tampered, invented, old-style or oversized cursor is 400 validation_failed naming the cursor', async () => {
      const first = await page(alice.grant, '/api/v1/me/sessions?limit=1');
      const cursor = first.next_cursor ?? '';
      expect(cursor).not.toBe('');
      const flipped = `${cursor.slice(0, 3)}${cursor[3] === 'A' ? 'B' : 'A'}${cursor.slice(4)}`;
      const oldStyle = Buffer.from(`u:${alice.id}`, 'utf8').toString('base64url');
      for (const bad of [flipped, `${cursor}A`, cursor.slice(0, -2), 'bm9wZQ', oldStyle, 'x'.repeat(500), '%00', '..']) {
        const response = await as(server.app, alice.grant, 'GET', `/api/v1/me/sessions?cursor=${encodeURIComponent(bad)}`);
        expect(expectProblem(response, 'validation_failed').detail, bad).toMatch(/cursor/);
      }
      const users = await as(server.app, admin, 'GET', `/api/v1/users?cursor=${encodeURIComponent(oldStyle)}`);
      expectProblem(users, 'validation_failed');
    });

    it("adoption 5: another caller's, another list's and another org's cursors do not open", async () => {
      const sessions = (await page(alice.grant, '/api/v1/me/sessions?limit=1')).next_cursor ?? '';
      // Bob replays Alice's cursor on the same list: his list, not hers.
      expectProblem(
        await as(server.app, bob.grant, 'GET', `/api/v1/me/sessions?cursor=${encodeURIComponent(sessions)}`),
        'validation_failed',
      );
      // Alice's sessions cursor on another list of hers.
      expectProblem(await as(server.app, alice.grant, 'GET', `/api/v1/orgs?cursor=${encodeURIComponent(sessions)}`), 'validation_failed');
      // A cursor of org A's members, on org B's members (Bob owns B).
      const members = (await page(alice.grant, `/api/v1/orgs/${orgA.id}/members?limit=1`)).next_cursor ?? '';
      expect(members).not.toBe('');
      expectProblem(
        await as(server.app, bob.grant, 'GET', `/api/v1/orgs/${orgB.id}/members?cursor=${encodeURIComponent(members)}`),
        'validation_failed',
      );
      // The same cursor still opens where it was handed out, for another member of the same org.
      expect(
        (await as(server.app, bob.grant, 'GET', `/api/v1/orgs/${orgA.id}/members?cursor=${encodeURIComponent(members)}`)).statusCode,
      ).toBe(200);
    });
  });
}
