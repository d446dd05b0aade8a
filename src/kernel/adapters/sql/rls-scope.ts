/**
 * The two kinds of transaction in which the server reaches tenant rows on PostgreSQL (the
 * policies are in rls-policies.ts):
 *
 * - `withTenant`: one tenant's repository work. The transaction first drops to `rampart_tenant`
 *   (a role that owns no table and cannot bypass RLS) and sets `app.org_id` to the scope's org
 *   with `set_config(…, true)` — transaction-local, and a bound parameter, never text spliced into
 *   SQL. Row-level security then answers only that org's rows on every tenant table, even to a
 *   query that forgot its `where org_id = …`.
 * - `withSystem`: the few reads and writes that must cross orgs by design (a credential found by
 *   its hash before any scope exists, the authorizer's membership directory, org creation, key
 *   rotation over every org). It sets `app.system`; each caller names why in a comment.
 *
 * Outside both, a query sees no tenant row at all. On SQLite, which has no RLS, the scope's
 * `orgId` that every scoped query filters by is the guarantee; both are plain transactions there.
 */
import { sql, type Transaction } from 'kysely';
import type { TenantScope } from '../../domain/tenant-scope.js';
import { dialectOf, type SqlDialectName } from './sql-database.js';
import type { RampartDatabase, RampartKysely } from './schema.js';
import { ORG_SETTING, SYSTEM_SETTING, TENANT_ROLE } from './rls-policies.js';

export type TenantTransaction = Transaction<RampartDatabase>;

/** Runs `work` in a transaction in which only `scope.orgId`'s tenant rows are reachable. */
export function withTenant<T>(
  db: RampartKysely,
  dialect: SqlDialectName,
  scope: TenantScope,
  work: (trx: TenantTransaction) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    if (dialect === 'postgres') {
      await sql.raw(`SET LOCAL ROLE ${TENANT_ROLE}`).execute(trx);
      await sql`select set_config(${ORG_SETTING}, ${scope.orgId}, true)`.execute(trx);
    }
    return work(trx);
  });
}

/**
 * Runs `work` in a transaction in which every org's tenant rows are reachable (a system
 * transaction on PostgreSQL; a plain one on SQLite).
 */
export function withSystem<T>(db: RampartKysely, work: (trx: TenantTransaction) => Promise<T>): Promise<T> {
  const dialect = dialectOf(db);
  return db.transaction().execute(async (trx) => {
    if (dialect === 'postgres') await sql`select set_config(${SYSTEM_SETTING}, 'on', true)`.execute(trx);
    return work(trx);
  });
}
