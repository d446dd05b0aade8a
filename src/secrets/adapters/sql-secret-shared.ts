/**
 * What the secrets' SQL adapters share: the transaction a scope opens, and a data key row as a
 * record (`secrets/adapters/sql-secret-backend.ts` describes the adapters).
 */
import { withSystem, withTenant, type TenantTransaction } from '../../kernel/adapters/sql/rls-scope.js';
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import type { SqlDialectName } from '../../kernel/adapters/sql/sql-database.js';
import type { DataKeyRecord } from '../domain/secret-record.js';
import { isSystemScope, type KeyScope } from '../domain/system-scope.js';
import type { SecretDataKeyTable } from './secret-tables.js';

/**
 * Runs `work` in the transaction `scope` opens: a tenant transaction for a request's scope (RLS
 * on PostgreSQL), a system transaction for the system's (the migrating role's `rampart_system`
 * policy). Either way every query still filters by `scope.orgId`.
 */
export function inScope<T>(
  db: RampartKysely,
  dialect: SqlDialectName,
  scope: KeyScope,
  work: (trx: TenantTransaction) => Promise<T>,
): Promise<T> {
  return isSystemScope(scope) ? withSystem(db, work) : withTenant(db, dialect, scope, work);
}

export function dataKeyRecord(row: SecretDataKeyTable): DataKeyRecord {
  return Object.freeze({
    id: row.id,
    orgId: row.org_id,
    kekId: row.kek_id,
    wrapped: row.wrapped,
    state: row.state === 'active' ? 'active' : 'retired',
    encryptions: Number(row.encryptions),
    createdAt: Number(row.created_at),
  });
}
