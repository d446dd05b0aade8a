/**
 * PostgreSQL row-level security, the second wall behind the TenantScope. The exploit: a repository
 * query that forgets its `where org_id = …` (or an injected one that drops it) would read every
 * tenant's rows. Through the app's own connection, inside a scope of org A, a deliberately
 * unscoped `select *` on each RLS table returns only A's rows; a write of B's row is refused; the
 * role scoped work runs as owns no table and cannot bypass RLS; without a scope it sees nothing.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TENANT_ROLE } from '../../src/adapters/sql/rls-policies.js';
import { withTenant } from '../../src/adapters/sql/rls-scope.js';
import { RLS_EXEMPT_TABLES, TENANT_TABLES } from '../../src/adapters/sql/tenant-tables.js';
import { mintTenantScope } from '../../src/domain/tenant-scope.js';
import { postgresBackend, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login } from '../helpers/identity.js';
import { as, orgWithOwner, type OrgBody } from '../helpers/orgs.js';
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
    for (const { org, owner } of [first, second]) {
      const put = await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/roles/deployer`, { permissions: ['jobs.read'] });
      expect(put.statusCode, put.body).toBe(201);
    }
  });

  afterAll(async () => {
    await server?.close();
    await store?.cleanup();
  });

  const scopeOf = (org: OrgBody) => mintTenantScope(org, { type: 'user', id: 'usr_test', via: 'bearer' });

  it("an unscoped select * inside A's scope returns no row of B, on every RLS table", async () => {
    const db = server.rampart.database.db;
    // Both orgs have rows: the owner's connection (the system policy) sees them.
    const all = await sql<{ org_id: string }>`select org_id from org_roles`.execute(db);
    expect(new Set(all.rows.map((r) => r.org_id))).toEqual(new Set([a.id, b.id]));
    for (const table of TENANT_TABLES.filter((t) => !Object.hasOwn(RLS_EXEMPT_TABLES, t))) {
      const rows = await withTenant(db, 'postgres', scopeOf(a), (trx) =>
        sql<{ org_id: string }>`select * from ${sql.table(table)}`.execute(trx),
      );
      expect(
        rows.rows.filter((r) => r.org_id !== a.id),
        table,
      ).toEqual([]);
    }
    const mine = await withTenant(db, 'postgres', scopeOf(a), (trx) => sql<{ org_id: string }>`select * from org_roles`.execute(trx));
    expect(mine.rows.map((r) => r.org_id)).toEqual([a.id]);
  });

  it("a write of B's row inside A's scope is refused, and B is unchanged", async () => {
    const db = server.rampart.database.db;
    const insert = withTenant(db, 'postgres', scopeOf(a), (trx) =>
      sql`insert into org_roles (org_id, name, permissions, version, created_at, updated_at) values (${b.id}, ${'evil'}, ${'[]'}, ${1}, ${0}, ${0})`.execute(
        trx,
      ),
    );
    await expect(insert).rejects.toThrow(/row-level security/);
    const update = await withTenant(db, 'postgres', scopeOf(a), (trx) =>
      sql`update org_roles set permissions = ${'["org.delete"]'}`.execute(trx),
    );
    expect(Number(update.numAffectedRows)).toBe(1);
    const bRole = await db.selectFrom('org_roles').select(['name', 'permissions']).where('org_id', '=', b.id).execute();
    expect(bRole).toEqual([{ name: 'deployer', permissions: '["jobs.read"]' }]);
  });

  it('as the tenant role without a scope, nothing is visible', async () => {
    const db = server.rampart.database.db;
    const rows = await db.transaction().execute(async (trx) => {
      await sql.raw(`SET LOCAL ROLE ${TENANT_ROLE}`).execute(trx);
      return sql`select * from org_roles`.execute(trx);
    });
    expect(rows.rows).toEqual([]);
  });

  it('the tenant role owns no table and cannot bypass RLS; every RLS table forces it', async () => {
    const db = server.rampart.database.db;
    const role = await sql<{ rolsuper: boolean; rolbypassrls: boolean; rolcanlogin: boolean }>`
      select rolsuper, rolbypassrls, rolcanlogin from pg_roles where rolname = ${TENANT_ROLE}`.execute(db);
    expect(role.rows).toEqual([{ rolsuper: false, rolbypassrls: false, rolcanlogin: false }]);
    const owned = await sql`select tablename from pg_tables where tableowner = ${TENANT_ROLE}`.execute(db);
    expect(owned.rows).toEqual([]);
    const tables = TENANT_TABLES.filter((t) => !Object.hasOwn(RLS_EXEMPT_TABLES, t));
    const flags = await sql<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>`
      select relname, relrowsecurity, relforcerowsecurity from pg_class
      where relkind = 'r' and relnamespace = current_schema()::regnamespace and relname in (${sql.join(tables)}) order by relname`.execute(
      db,
    );
    expect(flags.rows.map((r) => r.relname).sort()).toEqual([...tables].sort());
    for (const row of flags.rows) expect(row, row.relname).toMatchObject({ relrowsecurity: true, relforcerowsecurity: true });
  });
});
