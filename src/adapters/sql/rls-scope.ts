/**
 * Runs one tenant's repository work inside a transaction bound to its scope. On PostgreSQL the
 * transaction first drops to `rampart_tenant` (a role that owns no table and cannot bypass RLS)
 * and sets `app.org_id` to the scope's org with `set_config(…, true)` — transaction-local, and a
 * bound parameter, never text spliced into SQL. Row-level security then answers only that org's
 * rows on every tenant table, even to a query that forgot its `where org_id = …`. On SQLite the
 * scope's `orgId`, which every scoped query filters by, is the guarantee.
 */
import { sql, type Transaction } from 'kysely';
import type { TenantScope } from '../../domain/tenant-scope.js';
import type { SqlDialectName } from './sql-database.js';
import type { RampartDatabase, RampartKysely } from './schema.js';
import { TENANT_ROLE } from './rls-policies.js';

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
      await sql`select set_config('app.org_id', ${scope.orgId}, true)`.execute(trx);
    }
    return work(trx);
  });
}
