/**
 * The built-in {@link DeliveryStore}: tables `webhook_deliveries` and `webhook_attempts`
 * (migration 0018), each call one tenant transaction (`withTenant`: RLS on PostgreSQL) that also
 * filters by the scope's org.
 */
import { withTenant, type TenantTransaction } from '../../kernel/adapters/sql/rls-scope.js';
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import type { SqlDialectName } from '../../kernel/adapters/sql/sql-database.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import type { Delivery, DeliveryAttempt, DeliveryStatus } from '../domain/delivery.js';
import type { DeliveryCursor, DeliveryStore } from '../ports/delivery-store.js';
import { attemptsOf, deliveryOf } from './webhook-rows.js';

const LISTED = [
  'id',
  'org_id',
  'endpoint_id',
  'event_id',
  'event_type',
  'status',
  'attempts',
  'next_attempt_at',
  'last_error',
  'last_status_code',
  'created_at',
  'updated_at',
] as const;

export class SqlDeliveryStore implements DeliveryStore {
  readonly #db: RampartKysely;
  readonly #dialect: SqlDialectName;

  constructor(db: RampartKysely, dialect: SqlDialectName) {
    this.#db = db;
    this.#dialect = dialect;
  }

  #in<T>(scope: TenantScope, work: (trx: TenantTransaction) => Promise<T>): Promise<T> {
    return withTenant(this.#db, this.#dialect, scope, work);
  }

  list(
    scope: TenantScope,
    endpointId: string,
    options: { readonly after?: DeliveryCursor; readonly limit: number; readonly status?: DeliveryStatus },
  ): Promise<readonly Delivery[]> {
    return this.#in(scope, async (trx) => {
      let query = trx
        .selectFrom('webhook_deliveries')
        .select(LISTED)
        .where('org_id', '=', scope.orgId)
        .where('endpoint_id', '=', endpointId);
      if (options.status !== undefined) query = query.where('status', '=', options.status);
      const after = options.after;
      if (after !== undefined) {
        query = query.where((eb) =>
          eb.or([eb('created_at', '<', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)])]),
        );
      }
      const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
      return Object.freeze(rows.map(deliveryOf));
    });
  }

  find(scope: TenantScope, endpointId: string, deliveryId: string): Promise<Delivery | undefined> {
    return this.#in(scope, async (trx) => {
      const row = await trx
        .selectFrom('webhook_deliveries')
        .select(LISTED)
        .where('org_id', '=', scope.orgId)
        .where('endpoint_id', '=', endpointId)
        .where('id', '=', deliveryId)
        .executeTakeFirst();
      return row === undefined ? undefined : deliveryOf(row);
    });
  }

  attempts(scope: TenantScope, deliveryId: string): Promise<readonly DeliveryAttempt[]> {
    return this.#in(scope, async (trx) => {
      const row = await trx
        .selectFrom('webhook_deliveries')
        .select('attempt_log')
        .where('org_id', '=', scope.orgId)
        .where('id', '=', deliveryId)
        .executeTakeFirst();
      return row === undefined ? [] : attemptsOf(row.attempt_log);
    });
  }

  retry(scope: TenantScope, endpointId: string, deliveryId: string, now: number): Promise<boolean> {
    return this.#in(scope, async (trx) => {
      const done = await trx
        .updateTable('webhook_deliveries')
        .set({ status: 'pending', next_attempt_at: now, locked_until: null, updated_at: now })
        .where('org_id', '=', scope.orgId)
        .where('endpoint_id', '=', endpointId)
        .where('id', '=', deliveryId)
        .executeTakeFirst();
      return done.numUpdatedRows > 0n;
    });
  }
}
