/**
 * PostgreSQL row-level security for tenant tables (docs/decisions/006-tenancy.md).
 *
 * - The server works as a role that owns no table and cannot bypass RLS (`RAMPART_DATABASE_URL`
 *   when `RAMPART_DATABASE_MIGRATION_URL` names the schema owner), a member of `rampart_tenant`,
 *   which holds the data grants, cannot log in and cannot bypass RLS either.
 * - Each tenant table gets `ENABLE` and `FORCE ROW LEVEL SECURITY` (FORCE: the owner too) and two
 *   policies, both for every role:
 *   `rampart_tenant_isolation`, `USING (org_id = current_setting('app.org_id', true))` with the
 *   same `WITH CHECK` — a scoped repository call runs in a transaction that set `app.org_id` with
 *   `set_config(…, true)` (transaction-local, a bound parameter);
 *   `rampart_system`, `USING (current_setting('app.system', true) = 'on')` — the explicit, visible
 *   grant for system work that must cross orgs (finding an API key or a client by its hash before
 *   any scope exists, the authorizer's membership directory, key rotation), which runs through
 *   `withSystem` (rls-scope.ts).
 *   A query in neither kind of transaction — one that forgot its scope — sees no tenant row at all.
 *
 * SQLite has no RLS; there the `TenantScope` every repository method requires is the guarantee.
 */
import { sql, type Kysely } from 'kysely';

/** The role scoped work runs as, and that the server's working role is a member of. */
export const TENANT_ROLE = 'rampart_tenant';

/** The transaction-local setting naming the org a scoped transaction may reach. */
export const ORG_SETTING = 'app.org_id';

/** The transaction-local setting (`on`) of a system transaction, which may reach every org. */
export const SYSTEM_SETTING = 'app.system';

/** The tables of 0007-tenancy that get row-level security. */
const TENANCY_RLS_TABLES = ['org_roles', 'org_role_versions'] as const;

const TABLE_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/** Whether `db` is PostgreSQL (migrations are written once for both dialects). */
export async function isPostgres<DB>(db: Kysely<DB>): Promise<boolean> {
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
  await createTenantPolicies(db, table);
}

/** (Re)creates the two policies of a tenant table (see the module comment). */
export async function createTenantPolicies(db: Kysely<unknown>, table: string): Promise<void> {
  if (!TABLE_NAME.test(table)) throw new Error(`not a table name: ${table}`);
  await sql.raw(`DROP POLICY IF EXISTS rampart_tenant_isolation ON ${table}`).execute(db);
  await sql.raw(`DROP POLICY IF EXISTS rampart_system ON ${table}`).execute(db);
  await sql
    .raw(
      `CREATE POLICY rampart_tenant_isolation ON ${table}
        USING (org_id = current_setting('${ORG_SETTING}', true))
        WITH CHECK (org_id = current_setting('${ORG_SETTING}', true))`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE POLICY rampart_system ON ${table}
        USING (current_setting('${SYSTEM_SETTING}', true) = 'on')
        WITH CHECK (current_setting('${SYSTEM_SETTING}', true) = 'on')`,
    )
    .execute(db);
}

/** 0007-tenancy's part: the role, and RLS on the tenancy tables. */
export async function applyRowLevelSecurity(db: Kysely<unknown>): Promise<void> {
  if (!(await isPostgres(db))) return;
  await ensureTenantRole(db);
  for (const table of TENANCY_RLS_TABLES) await enableTenantRowLevelSecurity(db, table);
}

export async function dropRowLevelSecurity(db: Kysely<unknown>): Promise<void> {
  if (!(await isPostgres(db))) return;
  for (const table of TENANCY_RLS_TABLES) await disableRowLevelSecurity(db, table);
}

/** Takes `table` out of row-level security: its policies dropped, RLS off. */
export async function disableRowLevelSecurity(db: Kysely<unknown>, table: string): Promise<void> {
  if (!TABLE_NAME.test(table)) throw new Error(`not a table name: ${table}`);
  await sql.raw(`DROP POLICY IF EXISTS rampart_tenant_isolation ON ${table}`).execute(db);
  await sql.raw(`DROP POLICY IF EXISTS rampart_system ON ${table}`).execute(db);
  await sql.raw(`ALTER TABLE ${table} NO FORCE ROW LEVEL SECURITY`).execute(db);
  await sql.raw(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`).execute(db);
}

/** What the role a connection works as may do past row-level security (PostgreSQL). */
export interface WorkingRolePosture {
  readonly role: string;
  /** A superuser bypasses every policy. */
  readonly superuser: boolean;
  /** `BYPASSRLS` bypasses every policy. */
  readonly bypassRls: boolean;
  /** Tables of the schema it owns: an owner can switch their row-level security off. */
  readonly ownedTables: number;
}

/** The posture of the role `db`'s connections work as; `undefined` on SQLite. */
export async function workingRolePosture<DB>(db: Kysely<DB>): Promise<WorkingRolePosture | undefined> {
  if (!(await isPostgres(db))) return undefined;
  const result = await sql<{ role: string; superuser: boolean; bypass: boolean; owned: number | string }>`
    select r.rolname as role, r.rolsuper as superuser, r.rolbypassrls as bypass,
      (select count(*) from pg_tables t where t.schemaname = current_schema() and t.tableowner = current_user) as owned
    from pg_roles r where r.rolname = current_user`.execute(db);
  const row = result.rows[0];
  if (row === undefined) throw new Error('the current role is not in pg_roles');
  return Object.freeze({ role: row.role, superuser: row.superuser, bypassRls: row.bypass, ownedTables: Number(row.owned) });
}

/** Why `posture` weakens row-level security, or `undefined` when it does not. */
export function rlsWeakness(posture: WorkingRolePosture | undefined): { level: 'fail' | 'warn'; reason: string } | undefined {
  if (posture === undefined) return undefined;
  if (posture.superuser || posture.bypassRls) {
    return {
      level: 'fail',
      reason: `the server's database role ${posture.role} bypasses row-level security (${posture.superuser ? 'superuser' : 'BYPASSRLS'}): give RAMPART_DATABASE_URL a role without it and the owner's URL to RAMPART_DATABASE_MIGRATION_URL`,
    };
  }
  if (posture.ownedTables > 0) {
    return {
      level: 'warn',
      reason: `the server's database role ${posture.role} owns ${posture.ownedTables} table(s) and could switch row-level security off: give RAMPART_DATABASE_MIGRATION_URL the owner's URL and RAMPART_DATABASE_URL a role that owns nothing`,
    };
  }
  return undefined;
}
