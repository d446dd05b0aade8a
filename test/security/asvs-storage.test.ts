/**
 * ASVS 5.0 rows whose proof touches what is stored, on SQLite and PostgreSQL. The exploits: SQL
 * metacharacters in every kind of input a query is built from (V1.2.4); a password accepted with
 * its case changed or cut short (V6.2.8); a TOTP code replayed long after it was shown (V6.5.5);
 * a member who may list secrets reading their values (V8.2.3); a GET that changes state, which a
 * cross-site request could then trigger without any CSRF check (V3.5.3); timestamps without a zone
 * that cannot be put in order across sources (V16.2.2). Each refusal is read back from the store.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type BackendInstance, type BackendName } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_EMAIL, ADMIN_ENV, login, loginRequest, type Grant } from '../helpers/identity.js';
import { STEP_MS, totpCode, verifyMfa, enrol } from '../helpers/mfa.js';
import { as, createOrg, fillTenantTables, inviteMember, createUser, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

/** Table names of the live schema, the audit log's and Kysely's own left out. */
async function tableNames(server: TestServer, dialect: BackendName): Promise<string[]> {
  const rows =
    dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(
          server.stored.db,
        )
      : await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(server.stored.db);
  return rows.rows
    .map((row) => row.name)
    .filter((name) => !name.startsWith('audit_') && !name.startsWith('kysely_') && name !== 'webhook_outbox_cursor');
}

/** Every non-audit table's rows as canonical text, sorted: equal snapshots mean nothing changed. */
async function snapshot(server: TestServer, dialect: BackendName): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of await tableNames(server, dialect)) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(server.stored.db);
    out[table] = rows.rows
      // An audited read grows the audit tree, whose checkpoints are announced as events (and moved
      // on by the webhook fan-out): the audit log's own bookkeeping, not a change the GET made.
      .filter((row) => !(table === 'event_outbox' && row.type === 'audit.checkpoint'))
      .map((row) =>
        JSON.stringify(
          Object.entries(row).sort(([a], [b]) => (a < b ? -1 : 1)),
          (_key, value: unknown) =>
            Buffer.isBuffer(value) ? value.toString('base64') : typeof value === 'bigint' ? value.toString() : value,
        ),
      )
      .sort();
  }
  return out;
}

/** The GET routes of `printRoutes({ commonPrefix: false })`'s tree. */
function getRoutes(tree: string): string[] {
  const found: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(\S+)(?: \(([^)]*)\))?/.exec(line);
    if (match === null) continue;
    stack.length = (match[1] ?? '').length / 4;
    const path = `${stack.join('')}${match[2] ?? ''}`;
    stack.push(match[2] ?? '');
    if ((match[3] ?? '').split(',').some((method) => method.trim() === 'GET')) found.push(path);
  }
  return [...new Set(found)].sort();
}

const SQL_PAYLOADS = [
  "' OR '1'='1",
  "' OR 1=1 --",
  "'); DROP TABLE users; --",
  '" OR ""="',
  "'; SELECT pg_sleep(5); --",
  "\\'; DELETE FROM sessions; --",
  "%' OR 'x' LIKE '%",
] as const;

for (const backend of await backends()) {
  describe(`ASVS rows on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let clock: FakeClock;
    let admin: Grant;
    let org: OrgBody;

    beforeAll(async () => {
      store = await backend.create();
      clock = new FakeClock(Date.now());
      server = await testServer(store, {
        clock,
        env: { ...ADMIN_ENV, RAMPART_LOGIN_RATE_LIMIT: '100000', RAMPART_RATE_LIMIT: '1000000' },
      });
      admin = await login(server.app);
      org = await createOrg(server.app, admin);
    });

    afterAll(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('asvs V1.2.4: SQL metacharacters in a login, a filter, a cursor, a path and a stored name are data: no 5xx, nothing dropped, stored verbatim', async () => {
      const users = async (): Promise<number> =>
        Number(
          (
            await server.stored.db
              .selectFrom('users')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const before = await users();
      for (const payload of SQL_PAYLOADS) {
        expectProblem(await loginRequest(server.app, `${ADMIN_EMAIL}${payload}`, 'x'.repeat(12)), 'invalid_credentials');
        expectProblem(await loginRequest(server.app, ADMIN_EMAIL, payload.padEnd(12, ' ')), 'invalid_credentials');
        const filtered = await as(server.app, admin, 'GET', `/api/v1/users?email=${encodeURIComponent(`a${payload}@example.test`)}`);
        expect(filtered.statusCode, payload).toBeLessThan(500);
        if (filtered.statusCode === 200) expect(filtered.json<{ items: unknown[] }>().items, payload).toEqual([]);
        const cursor = await as(server.app, admin, 'GET', `/api/v1/users?cursor=${encodeURIComponent(payload)}`);
        expect(cursor.statusCode, payload).toBeLessThan(500);
        const path = await as(server.app, admin, 'GET', `/api/v1/orgs/${org.id}/roles/${encodeURIComponent(payload)}/history`);
        expect([400, 404], payload).toContain(path.statusCode);
        const byId = await as(server.app, admin, 'GET', `/api/v1/users/${encodeURIComponent(payload)}`);
        expect([400, 404], payload).toContain(byId.statusCode);
      }
      const name = `Robert'); DROP TABLE users; -- "quoted" \\ ${SQL_PAYLOADS[0]}`;
      const created = await as(server.app, admin, 'POST', '/api/v1/orgs', { name, slug: `sqli-${backend.name}` });
      expect(created.statusCode, created.body).toBe(201);
      const id = created.json<{ id: string }>().id;
      const stored = await server.stored.db.selectFrom('orgs').select('name').where('id', '=', id).executeTakeFirstOrThrow();
      expect(stored.name).toBe(name);
      expect((await as(server.app, admin, 'GET', `/api/v1/orgs/${id}`)).json<{ name: string }>().name).toBe(name);
      expect(await users()).toBe(before);
      expect((await loginRequest(server.app, ADMIN_EMAIL, ADMIN_ENV.RAMPART_BOOTSTRAP_ADMIN_PASSWORD ?? '')).statusCode).toBe(200);
    });

    it('asvs V6.2.8: a password with its case changed, cut short or padded fails; only the exact password signs in', async () => {
      const password = 'Correct Horse Battery Staple Ünïcode 77 ' + 'x'.repeat(60);
      const swapped = [...password].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');
      const wrongs = [
        [password.toLowerCase(), password.toUpperCase(), swapped, `c${password.slice(1)}`],
        [password.slice(0, 72), password.slice(0, -1), `${password} `, ` ${password}`],
      ];
      // Four tries per account: the fifth failure would back the account off (V6.3.1), hiding the answer.
      for (const [index, tries] of wrongs.entries()) {
        const email = `case-${index}-${backend.name}@example.test`;
        const created = await as(server.app, admin, 'POST', '/api/v1/users', { email, password });
        expect(created.statusCode, created.body).toBe(201);
        for (const wrong of tries) expectProblem(await loginRequest(server.app, email, wrong), 'invalid_credentials');
        expect((await loginRequest(server.app, email, password)).statusCode).toBe(200);
      }
    });

    it('asvs V6.5.5: a TOTP code is good for its 30 s step (±1 step of clock drift) and once: two steps later, or a second time, it is refused', async () => {
      const user = await createUser(server.app, admin);
      const { secret } = await enrol(server.app, user.grant.access_token, clock);
      const mfaToken = async (): Promise<string> => {
        const answer = await loginRequest(server.app, user.email, 'a member passphrase nobody guesses 9');
        expect(answer.statusCode, answer.body).toBe(200);
        return answer.json<{ mfa_token: string }>().mfa_token;
      };
      const shown = clock.now();
      const code = totpCode(secret, shown);
      clock.advance(2 * STEP_MS);
      expectProblem(await verifyMfa(server.app, await mfaToken(), code), 'invalid_credentials');
      const fresh = totpCode(secret, clock.now());
      expect((await verifyMfa(server.app, await mfaToken(), fresh)).statusCode).toBe(200);
      expectProblem(await verifyMfa(server.app, await mfaToken(), fresh), 'invalid_credentials');
    });

    it('asvs V8.2.3: a role that may list secrets sees names and versions, never a value, and cannot reveal one (403); the owner can', async () => {
      const put = await as(server.app, admin, 'PUT', `/api/v1/orgs/${org.id}/secrets/field-level`, {
        value: 'the value only managers read',
      });
      expect(put.statusCode, put.body).toBeLessThan(300);
      const role = await as(server.app, admin, 'PUT', `/api/v1/orgs/${org.id}/roles/secret-lister`, { permissions: ['secrets.read'] });
      expect(role.statusCode, role.body).toBeLessThan(300);
      const lister: OrgUser = await createUser(server.app, admin);
      await inviteMember(server.app, admin, org.id, lister, 'secret-lister');
      const listed = await as(server.app, lister.grant, 'GET', `/api/v1/orgs/${org.id}/secrets`);
      expect(listed.statusCode, listed.body).toBe(200);
      expect(listed.body).toContain('field-level');
      expect(listed.body).not.toContain('the value only managers read');
      const entry = listed.json<{ items: Record<string, unknown>[] }>().items.find((secret) => secret.name === 'field-level');
      expect(Object.keys(entry ?? {}).sort()).toEqual(['created_at', 'min_decryption_version', 'name', 'updated_at', 'version']);
      const refused = await as(server.app, lister.grant, 'POST', `/api/v1/orgs/${org.id}/secrets/field-level/reveal`, {});
      expectProblem(refused, 'forbidden');
      expect(refused.body).not.toContain('the value only managers read');
      const revealed = await as(server.app, admin, 'POST', `/api/v1/orgs/${org.id}/secrets/field-level/reveal`, {});
      expect(revealed.json<{ value: string }>().value).toBe('the value only managers read');
    });

    it('asvs V3.5.3: no GET route changes stored state: every one, called by an owner and platform admin, leaves every non-audit table as it was', async () => {
      const full = await createOrg(server.app, admin);
      await fillTenantTables(server.app, admin, full);
      const first = async (url: string, key: string): Promise<string> => {
        const body = (await as(server.app, admin, 'GET', url)).json<Record<string, { id?: string; name?: string }[] | undefined>>();
        return body[key]?.[0]?.id ?? body[key]?.[0]?.name ?? 'none';
      };
      const webhook = await first(`/api/v1/orgs/${full.id}/webhooks`, 'items');
      const params: Record<string, string> = {
        org: full.id,
        name: 'deployer',
        user_id: admin.user.id,
        source: await first(`/api/v1/orgs/${full.id}/hook-sources`, 'items'),
        delivery: await first(`/api/v1/orgs/${full.id}/webhooks/${webhook}/deliveries`, 'items'),
        token: 'ndt_not-a-real-token',
      };
      const idFor = async (path: string): Promise<string> => {
        if (path.includes('/jobs/')) return first(`/api/v1/orgs/${full.id}/jobs`, 'items');
        if (path.includes('/webhooks/')) return webhook;
        if (path.includes('/licences/')) return first(`/api/v1/orgs/${full.id}/licences`, 'items');
        return admin.user.id;
      };
      const routes = getRoutes(server.app.printRoutes({ commonPrefix: false }));
      expect(routes.length).toBeGreaterThan(30);
      // Background work of the fill (the webhook fan-out, the job's end) settles first: the fake
      // clock never moves, so no retry falls due while the routes are called.
      // Settled means unchanged for a whole second (five looks), not one look: on a loaded machine
      // work queued without being awaited (an invitation's mail) can land after a quiet moment.
      let before = await snapshot(server, backend.name);
      for (let tries = 0, quiet = 0; tries < 100 && quiet < 5; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        const again = await snapshot(server, backend.name);
        quiet = JSON.stringify(again) === JSON.stringify(before) ? quiet + 1 : 0;
        before = again;
      }
      const answered: string[] = [];
      for (const route of routes) {
        let url = route;
        for (const name of [...route.matchAll(/:(\w+)/g)].map((match) => match[1] ?? '')) {
          url = url.replace(`:${name}`, encodeURIComponent(name === 'id' ? await idFor(route) : (params[name] ?? 'none')));
        }
        const response = await server.app.inject({
          method: 'GET',
          url,
          headers: { authorization: `Bearer ${admin.access_token}`, origin: 'https://evil.example' },
        });
        expect(response.statusCode, `${route}: ${response.body}`).toBeLessThan(500);
        if (response.statusCode < 300) answered.push(route);
      }
      expect(answered.length).toBeGreaterThan(routes.length / 2);
      const after = await snapshot(server, backend.name);
      const changed = Object.keys(after).filter((table) => JSON.stringify(after[table]) !== JSON.stringify(before[table]));
      expect(changed, JSON.stringify(changed.map((table) => [table, before[table]?.slice(-3), after[table]?.slice(-3)]))).toEqual([]);
    });

    it('asvs V1.2.5: a job’s command is an argument vector, never a shell line: metacharacters reach the program as text', async () => {
      const words = ['a; touch pwned', '$(id -u)', '`id`', '| cat /etc/hostname', '&& echo injected', '\' OR "', '>out', '*'];
      const created = await as(server.app, admin, 'POST', `/api/v1/orgs/${org.id}/jobs`, { command: ['/bin/echo', ...words] });
      expect(created.statusCode, created.body).toBe(202);
      const id = created.json<{ id: string }>().id;
      let logs = { status: 'queued', stdout: '' };
      for (let tries = 0; tries < 400 && ['queued', 'running'].includes(logs.status); tries++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        logs = (await as(server.app, admin, 'GET', `/api/v1/orgs/${org.id}/jobs/${id}/logs`)).json<{ status: string; stdout: string }>();
      }
      expect(logs).toMatchObject({ status: 'succeeded', stdout: `${words.join(' ')}\n` });
    });

    it('asvs V16.2.2: audit entries carry UTC timestamps (ISO 8601 with Z); log lines too', async () => {
      const listed = await as(server.app, admin, 'GET', `/api/v1/orgs/${org.id}/audit`);
      expect(listed.statusCode, listed.body).toBe(200);
      const entries = listed.json<{ entries: Record<string, unknown>[] }>().entries;
      expect(entries.length).toBeGreaterThan(0);
      for (const entry of entries) {
        const times = Object.entries(entry).filter(([key]) => /(^|_)(at|time|timestamp)$/.test(key));
        expect(times.length, JSON.stringify(entry)).toBeGreaterThan(0);
        for (const [, value] of times) {
          expect(value).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/);
          expect(Math.abs(Date.parse(String(value)) - clock.now())).toBeLessThan(24 * 3600_000);
        }
      }
      const lines = server.logs.lines.map((line) => JSON.parse(line) as { time?: unknown });
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        expect(line.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        expect(Math.abs(Date.parse(String(line.time)) - Date.now())).toBeLessThan(3600_000);
      }
    });
  });
}
