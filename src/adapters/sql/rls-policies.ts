/**
 * PostgreSQL row-level security for tenant tables (issue 5, item 6; docs/decisions/006-tenancy.md).
 *
 * - `rampart_tenant` is a role that owns no table, cannot log in and cannot bypass RLS. A scoped
 *   repository call runs in a transaction that first does `SET LOCAL ROLE rampart_tenant` and
 *   `set_config('app.org_id', <org id>, true)` (a bound parameter, transaction-local): from then
 *   on every tenant table answers only that org's rows, whatever the query says.
 * - Each tenant table gets `ENABLE` and `FORCE ROW LEVEL SECURITY` and two policies:
 *   `rampart_tenant_isolation` for `rampart_tenant`, `USING (org_id = current_setting('app.org_id', true))`
 *   (with the same `WITH CHECK`), and `rampart_system`, for the role that ran the migrations only:
 *   the explicit, visible grant for system work that must cross orgs (authentication of an API
 *   key by its hash, org deletion, retention). FORCE makes even that role go through a policy.
 *
 * SQLite has no RLS; there the `TenantScope` every repository method requires is the guarantee.
 */
import { sql, type Kysely } from 'kysely';

/** The role scoped work runs as. */
export const TENANT_ROLE = 'rampart_tenant';

/** The tables of 0007-tenancy that get row-level security. */
const TENANCY_RLS_TABLES = ['org_roles', 'org_role_versions'] as const;

const TABLE_NAME = /^[a-z][a-z0-9_]{0,62}$/;

async function isPostgres(db: Kysely<unknown>): Promise<boolean> {
  try {
    await sql`select current_setting('server_version_num')`.execute(db);
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates `rampart_tenant` (once per cluster; roles are cluster-wide, so a concurrent creation by
 * another database's migration is tolerated) and grants it data access to the tables of the schema.
 */
async function ensureTenantRole(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${TENANT_ROLE}') THEN
          CREATE ROLE ${TENANT_ROLE} NOLOGIN NOINHERIT NOBYPASSRLS;
        END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$`,
    )
    .execute(db);
  await sql.raw(`GRANT ${TENANT_ROLE} TO CURRENT_USER`).execute(db);
  await sql.raw(`GRANT USAGE ON SCHEMA public TO ${TENANT_ROLE}`).execute(db);
  await sql.raw(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${TENANT_ROLE}`).execute(db);
  // Tables that later migrations create (as the same role) are granted too.
  await sql.raw(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${TENANT_ROLE}`).execute(db);
}

/**
 * Puts `table` (which has an `org_id` column) under row-level security. Later migrations call it
 * for each tenant table they create; a no-op on SQLite.
 */
export async function enableTenantRowLevelSecurity(db: Kysely<unknown>, table: string): Promise<void> {
  if (!TABLE_NAME.test(table)) throw new Error(`not a table name: ${table}`);
  if (!(await isPostgres(db))) return;
  await sql.raw(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ${TENANT_ROLE}`).execute(db);
  await sql.raw(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`).execute(db);
  await sql.raw(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`).execute(db);
  await sql
    .raw(
      `CREATE POLICY rampart_tenant_isolation ON ${table} TO ${TENANT_ROLE}
        USING (org_id = current_setting('app.org_id', true))
        WITH CHECK (org_id = current_setting('app.org_id', true))`,
    )
    .execute(db);
  await sql.raw(`CREATE POLICY rampart_system ON ${table} TO CURRENT_USER USING (true) WITH CHECK (true)`).execute(db);
}

/** 0007-tenancy's part: the role, and RLS on the tenancy tables. */
export async function applyRowLevelSecurity(db: Kysely<unknown>): Promise<void> {
  if (!(await isPostgres(db))) return;
  await ensureTenantRole(db);
  for (const table of TENANCY_RLS_TABLES) await enableTenantRowLevelSecurity(db, table);
}

export async function dropRowLevelSecurity(db: Kysely<unknown>): Promise<void> {
  if (!(await isPostgres(db))) return;
  for (const table of TENANCY_RLS_TABLES) {
    await sql.raw(`DROP POLICY IF EXISTS rampart_tenant_isolation ON ${table}`).execute(db);
    await sql.raw(`DROP POLICY IF EXISTS rampart_system ON ${table}`).execute(db);
    await sql.raw(`ALTER TABLE ${table} NO FORCE ROW LEVEL SECURITY`).execute(db);
    await sql.raw(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`).execute(db);
  }
}
