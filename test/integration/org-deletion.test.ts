/**
 * Deleting an org leaves zero rows of it in every table that has an `org_id` column — tables are
 * discovered from the live schema, so a table added by a later migration cannot be forgotten: it
 * must be listed in TENANT_TABLES (deleted with the org) or NON_TENANT_ORG_TABLES (kept, with a
 * reason). Another org's rows are untouched, and the deletion is audited.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { KEPT_ORG_TABLES as NON_TENANT_ORG_TABLES, TENANT_TABLES } from '../../src/capabilities.js';
import type { SqlDatabase } from '../../src/kernel/adapters/sql/sql-database.js';
import { DomainError } from '../../src/kernel/domain/errors.js';
import type { AuditEvent } from '../../src/kernel/ports/audit-log.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { expectProblem } from '../helpers/problems.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, fillTenantTables, orgWithOwner, userWithRole } from '../helpers/orgs.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

/** The in-memory log, which can be told to refuse one action as an unavailable log does. */
class FailingAuditLog extends MemoryAuditLog {
  failOn: string | undefined;

  override record(event: AuditEvent): Promise<void> {
    if (event.action === this.failOn) return Promise.reject(new DomainError('audit_unavailable', 'The audit log cannot record'));
    return super.record(event);
  }
}

/** Every table of the live schema with an `org_id` column. */
async function tablesWithOrgId(database: SqlDatabase): Promise<string[]> {
  const rows =
    database.dialect === 'sqlite'
      ? await sql<{ name: string }>`select m.name as name from sqlite_master m join pragma_table_info(m.name) p
          where m.type = 'table' and p.name = 'org_id' order by m.name`.execute(database.db)
      : await sql<{ name: string }>`select table_name as name from information_schema.columns
          where table_schema = current_schema() and column_name = 'org_id' order by table_name`.execute(database.db);
  return rows.rows.map((row) => row.name);
}

async function rowsOf(database: SqlDatabase, table: string, orgId: string): Promise<number> {
  const result = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)} where org_id = ${orgId}`.execute(
    database.db,
  );
  return Number(result.rows[0]?.n ?? 0);
}

for (const backend of await backends()) {
  describe(`org deletion on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let audit: FailingAuditLog;
    let admin: Grant;

    beforeEach(async () => {
      store = await backend.create();
      audit = new FailingAuditLog();
      server = await testServer(store, { env: ADMIN_ENV, audit });
      admin = await login(server.app);
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('every table with an org_id column is registered as tenant data or kept with a reason', async () => {
      const tables = await tablesWithOrgId(server.stored);
      expect(tables.length).toBeGreaterThan(0);
      const unregistered = tables.filter((t) => !TENANT_TABLES.includes(t) && !Object.hasOwn(NON_TENANT_ORG_TABLES, t));
      expect(
        unregistered,
        'add these to the `tenantTables` (or `keptOrgTables`) of the capability that owns them, in its src/<module>/index.ts',
      ).toEqual([]);
      expect(new Set(TENANT_TABLES).size, 'TENANT_TABLES lists a table twice').toBe(TENANT_TABLES.length);
      expect(
        TENANT_TABLES.filter((t) => !tables.includes(t)),
        'TENANT_TABLES names tables the schema lacks',
      ).toEqual([]);
    });

    it('leaves zero rows of the org in every org_id table, keeps the other org, and is audited', async () => {
      const doomed = await orgWithOwner(server.app, admin);
      const kept = await orgWithOwner(server.app, admin);
      for (const { org, owner } of [doomed, kept]) {
        await userWithRole(server.app, admin, owner.grant, org, 'viewer');
        await fillTenantTables(server.app, owner.grant, org);
      }
      const database = server.stored;
      const tables = await tablesWithOrgId(database);
      const keptBefore = Object.fromEntries(
        await Promise.all(tables.map(async (t) => [t, await rowsOf(database, t, kept.org.id)] as const)),
      );
      expect(keptBefore.memberships).toBe(2);
      expect(keptBefore.org_role_versions).toBe(2);
      // Every tenant table holds rows of both orgs: the deletion has something to miss.
      for (const table of TENANT_TABLES) {
        expect(keptBefore[table], table).toBeGreaterThan(0);
        expect(await rowsOf(database, table, doomed.org.id), table).toBeGreaterThan(0);
      }

      const response = await as(server.app, doomed.owner.grant, 'DELETE', `/api/v1/orgs/${doomed.org.id}`);
      expect(response.statusCode, response.body).toBe(204);

      for (const table of tables) expect(await rowsOf(database, table, doomed.org.id), table).toBe(0);
      expect(await database.db.selectFrom('orgs').select('id').where('id', '=', doomed.org.id).execute()).toEqual([]);
      const keptAfter = Object.fromEntries(
        await Promise.all(tables.map(async (t) => [t, await rowsOf(database, t, kept.org.id)] as const)),
      );
      expect(keptAfter).toEqual(keptBefore);
      const entry = audit.events().find((e) => e.action === 'org.delete');
      expect(entry).toMatchObject({ org: doomed.org.id, actor: { type: 'user', id: doomed.owner.id }, result: 'success' });
      expect(entry?.details).toEqual({ slug: doomed.org.slug });
    });

    it('fails closed: when the audit log cannot record the deletion, 503 audit_unavailable and nothing is deleted', async () => {
      const doomed = await orgWithOwner(server.app, admin);
      await userWithRole(server.app, admin, doomed.owner.grant, doomed.org, 'viewer');
      const database = server.stored;
      const tables = await tablesWithOrgId(database);
      const before = Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await rowsOf(database, t, doomed.org.id)] as const)));
      audit.failOn = 'org.delete';

      const response = await as(server.app, doomed.owner.grant, 'DELETE', `/api/v1/orgs/${doomed.org.id}`);

      expectProblem(response, 'audit_unavailable');
      const after = Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await rowsOf(database, t, doomed.org.id)] as const)));
      expect(after).toEqual(before);
      expect(await database.db.selectFrom('orgs').select('id').where('id', '=', doomed.org.id).execute()).toHaveLength(1);
    });

    it('the system org cannot be deleted', async () => {
      const response = await as(server.app, admin, 'DELETE', '/api/v1/orgs/system');
      expect(response.statusCode).toBe(409);
      expect(await database(server).selectFrom('orgs').select('slug').where('slug', '=', 'system').execute()).toHaveLength(1);
    });
  });
}

function database(server: TestServer) {
  return server.stored.db;
}
