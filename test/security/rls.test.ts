/**
 * PostgreSQL row-level security, the second wall behind the TenantScope. The exploit: a repository
 * query that forgets its `where org_id = …` would read every tenant's rows. The server works as a
 * login role that owns no table and cannot bypass RLS (the schema owner only migrates), so:
 * - through the app's own connection, a deliberately unscoped `select *` on every tenant table
 *   returns no row at all, though both orgs have rows in each;
 * - inside a scope of org A it returns only A's rows, and a write of B's row is refused;
 * - the working role cannot switch RLS off, drop a policy or become the owner;
 * - only an explicit system transaction crosses orgs.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TENANT_ROLE } from '../../src/kernel/adapters/sql/rls-policies.js';
import { withSystem, withTenant } from '../../src/kernel/adapters/sql/rls-scope.js';
import { TENANT_TABLES } from '../../src/capabilities.js';
import { mintTenantScope } from '../../src/kernel/domain/tenant-scope.js';
import { postgresBackend, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login } from '../helpers/identity.js';
import { fillTenantTables, orgWithOwner, type OrgBody } from '../helpers/orgs.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { postgresAvailable } from '../helpers/services.js';

describe.runIf(await postgresAvailable())('row-level security on postgres', () => {
  let store: BackendInstance;
  let server: TestServer;
  let a: OrgBody;
  let b: OrgBody;

  beforeAll(async () => {
    store = await postgresBackend.create();
    server = await testServer(store, { env: ADMIN_ENV });
    const admin = await login(server.app);
    const first = await orgWithOwner(server.app, admin);
    const second = await orgWithOwner(server.app, admin);
    a = first.org;
    b = second.org;
    for (const { org, owner } of [first, second]) await fillTenantTables(server.app, owner.grant, org);
  });

  afterAll(async () => {
    await server?.close();
    await store?.cleanup();
  });

  const app = () => server.rampart.database.db;
  const scopeOf = (org: OrgBody) => mintTenantScope(org, { type: 'user', id: 'usr_test', via: 'bearer' });
  const orgsIn = (rows: readonly { org_id: string | null }[]) => new Set(rows.map((r) => r.org_id));

  it('both orgs have rows in every tenant table (what the attacks below try to reach)', async () => {
    for (const table of TENANT_TABLES) {
      const rows = await sql<{ org_id: string }>`select org_id from ${sql.table(table)}`.execute(server.stored.db);
      expect([...orgsIn(rows.rows)], table).toEqual(expect.arrayContaining([a.id, b.id]));
    }
  });

  it("a deliberately unscoped select * through the app's connection returns no row, on every tenant table", async () => {
    for (const table of TENANT_TABLES) {
      const rows = await sql<{ org_id: string }>`select * from ${sql.table(table)}`.execute(app());
      expect(rows.rows, table).toEqual([]);
      // The same query with the org spelled out, as an injected `or 1=1` would leave it, finds nothing either.
      const named = await sql`select * from ${sql.table(table)} where org_id = ${b.id} or true`.execute(app());
      expect(named.rows, table).toEqual([]);
    }
  });

  it("an unscoped select * inside A's scope returns A's rows and no row of B, on every tenant table", async () => {
    for (const table of TENANT_TABLES) {
      const rows = await withTenant(app(), 'postgres', scopeOf(a), (trx) =>
        sql<{ org_id: string }>`select * from ${sql.table(table)}`.execute(trx),
      );
      expect(orgsIn(rows.rows), table).toEqual(new Set([a.id]));
    }
  });

  it("unscoped writes through the app's connection change nothing: no update, no delete, no insert", async () => {
    const before = await sql`select * from org_roles order by org_id`.execute(server.stored.db);
    expect(Number((await sql`update org_roles set permissions = ${'["org.delete"]'}`.execute(app())).numAffectedRows)).toBe(0);
    expect(Number((await sql`delete from secrets`.execute(app())).numAffectedRows)).toBe(0);
    await expect(
      sql`insert into memberships (org_id, user_id, role, created_at) values (${b.id}, ${'usr_evil'}, ${'owner'}, ${0})`.execute(app()),
    ).rejects.toThrow(/row-level security/);
    expect((await sql`select * from org_roles order by org_id`.execute(server.stored.db)).rows).toEqual(before.rows);
  });

  it("a write of B's row inside A's scope is refused, and B is unchanged", async () => {
    const bRole = () => server.stored.db.selectFrom('org_roles').selectAll().where('org_id', '=', b.id).execute();
    const before = await bRole();
    expect(before).toHaveLength(1);
    const insert = withTenant(app(), 'postgres', scopeOf(a), (trx) =>
      sql`insert into org_roles (org_id, name, permissions, version, created_at, updated_at) values (${b.id}, ${'evil'}, ${'[]'}, ${1}, ${0}, ${0})`.execute(
        trx,
      ),
    );
    await expect(insert).rejects.toThrow(/row-level security/);
    const update = await withTenant(app(), 'postgres', scopeOf(a), (trx) =>
      sql`update org_roles set permissions = ${'["org.delete"]'}`.execute(trx),
    );
    expect(Number(update.numAffectedRows)).toBe(1);
    expect(await bRole()).toEqual(before);
  });

  it('the server works as a role that owns no table, is no superuser and cannot bypass RLS', async () => {
    const role = await sql<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean }>`
      select rolname, rolsuper, rolbypassrls from pg_roles where rolname = current_user`.execute(app());
    expect(role.rows).toEqual([{ rolname: 'rampart_app_test', rolsuper: false, rolbypassrls: false }]);
    const owned = await sql`select tablename from pg_tables where tableowner = current_user`.execute(app());
    expect(owned.rows).toEqual([]);
    const tenantRole = await sql<{ rolsuper: boolean; rolbypassrls: boolean; rolcanlogin: boolean }>`
      select rolsuper, rolbypassrls, rolcanlogin from pg_roles where rolname = ${TENANT_ROLE}`.execute(app());
    expect(tenantRole.rows).toEqual([{ rolsuper: false, rolbypassrls: false, rolcanlogin: false }]);
  });

  it('the working role cannot switch row-level security off, drop a policy or become the owner', async () => {
    for (const statement of [
      'alter table secrets disable row level security',
      'alter table secrets no force row level security',
      'drop policy rampart_tenant_isolation on secrets',
      'create policy evil on secrets using (true)',
      'set role rampart_test',
      'set session authorization rampart_test',
    ]) {
      await expect(sql.raw(statement).execute(app()), statement).rejects.toThrow(/must be owner|permission denied/);
    }
    const policies = await sql`select policyname from pg_policies where tablename = 'secrets' order by policyname`.execute(
      server.stored.db,
    );
    expect(policies.rows).toEqual([{ policyname: 'rampart_system' }, { policyname: 'rampart_tenant_isolation' }]);
  });

  it('every tenant table enables and forces RLS with the two policies; nothing else has them', async () => {
    const flags = await sql<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>`
      select relname, relrowsecurity, relforcerowsecurity from pg_class
      where relkind = 'r' and relnamespace = current_schema()::regnamespace and relrowsecurity order by relname`.execute(app());
    expect(flags.rows.map((r) => r.relname).sort()).toEqual([...TENANT_TABLES].sort());
    for (const row of flags.rows) expect(row, row.relname).toMatchObject({ relrowsecurity: true, relforcerowsecurity: true });
    const policies = await sql<{ tablename: string; n: string }>`
      select tablename, count(*) as n from pg_policies where schemaname = current_schema() group by tablename`.execute(app());
    expect(policies.rows.map((r) => [r.tablename, Number(r.n)]).sort()).toEqual([...TENANT_TABLES].sort().map((t) => [t, 2]));
  });

  it('only an explicit system transaction crosses orgs, and it ends with its transaction', async () => {
    const rows = await withSystem(app(), (trx) => sql<{ org_id: string }>`select org_id from secrets`.execute(trx));
    expect([...orgsIn(rows.rows)]).toEqual(expect.arrayContaining([a.id, b.id]));
    expect((await sql`select * from secrets`.execute(app())).rows).toEqual([]);
    const setting = await sql<{ value: string | null }>`select current_setting('app.system', true) as value`.execute(app());
    expect([null, '']).toContain(setting.rows[0]?.value);
  });
});
