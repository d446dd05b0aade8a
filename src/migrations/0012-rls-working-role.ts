/**
 * Row-level security for a server that works as a role owning nothing (docs/decisions/006-tenancy.md).
 *
 * - Every tenant table's policies become the pair of rls-policies.ts, for every role: the org of a
 *   scoped transaction (`app.org_id`), or every org inside an explicit system transaction
 *   (`app.system`). The former `rampart_system` policy let the migrating role read every row
 *   without asking; now nobody does, so a query that forgot its scope sees no tenant row.
 * - `memberships` and `api_keys`, until now exempt, come under the same policies: the reads that
 *   must cross orgs (the authorizer's directory, a key found by its hash) are system transactions.
 * - `rampart_tenant` gets the sequences too (the audit queue's `bigserial`), so a working role
 *   that is only its member can write everything the server writes.
 * A no-op on SQLite.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import {
  createTenantPolicies,
  disableRowLevelSecurity,
  enableTenantRowLevelSecurity,
  isPostgres,
  TENANT_ROLE,
} from '../kernel/adapters/sql/rls-policies.js';

/** Tables exempt from RLS until this migration. */
const NEWLY_COVERED = ['memberships', 'api_keys'] as const;

/** The tables of the current schema that carry Rampart's tenant policy. */
async function policedTables(db: Kysely<unknown>): Promise<string[]> {
  const result = await sql<{ tablename: string }>`
    select distinct tablename from pg_policies
    where schemaname = current_schema() and policyname = 'rampart_tenant_isolation'
    order by tablename`.execute(db);
  return result.rows.map((row) => row.tablename);
}

export const migration0012: Migration = {
  async up(db: Kysely<unknown>) {
    if (!(await isPostgres(db))) return;
    await sql.raw(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${TENANT_ROLE}`).execute(db);
    await sql.raw(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${TENANT_ROLE}`).execute(db);
    for (const table of await policedTables(db)) await createTenantPolicies(db, table);
    for (const table of NEWLY_COVERED) await enableTenantRowLevelSecurity(db, table);
  },
  async down(db: Kysely<unknown>) {
    if (!(await isPostgres(db))) return;
    for (const table of NEWLY_COVERED) await disableRowLevelSecurity(db, table);
    for (const table of await policedTables(db)) {
      await sql.raw(`DROP POLICY IF EXISTS rampart_tenant_isolation ON ${table}`).execute(db);
      await sql.raw(`DROP POLICY IF EXISTS rampart_system ON ${table}`).execute(db);
      await sql
        .raw(
          `CREATE POLICY rampart_tenant_isolation ON ${table} TO ${TENANT_ROLE}
            USING (org_id = current_setting('app.org_id', true))
            WITH CHECK (org_id = current_setting('app.org_id', true))`,
        )
        .execute(db);
      await sql.raw(`CREATE POLICY rampart_system ON ${table} TO CURRENT_USER USING (true) WITH CHECK (true)`).execute(db);
    }
  },
};
