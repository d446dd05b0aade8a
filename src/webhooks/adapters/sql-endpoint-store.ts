/**
 * The built-in {@link EndpointStore}: table `webhook_endpoints` (migration 0018), each call one
 * tenant transaction (`withTenant`: RLS on PostgreSQL) that also filters by the scope's org.
 */
import { withTenant, type TenantTransaction } from '../../kernel/adapters/sql/rls-scope.js';
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import type { SqlDialectName } from '../../kernel/adapters/sql/sql-database.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import type { WebhookEndpoint } from '../domain/webhook-endpoint.js';
import type { EndpointChanges, EndpointStore, SecretRotation } from '../ports/endpoint-store.js';
import { endpointOf, endpointRow } from './webhook-rows.js';
import type { WebhookEndpointTable } from './webhook-tables.js';

export class SqlEndpointStore implements EndpointStore {
  readonly #db: RampartKysely;
  readonly #dialect: SqlDialectName;

  constructor(db: RampartKysely, dialect: SqlDialectName) {
    this.#db = db;
    this.#dialect = dialect;
  }

  #in<T>(scope: TenantScope, work: (trx: TenantTransaction) => Promise<T>): Promise<T> {
    return withTenant(this.#db, this.#dialect, scope, work);
  }

  async create(scope: TenantScope, endpoint: WebhookEndpoint): Promise<void> {
    if (endpoint.orgId !== scope.orgId) throw new RangeError('the endpoint belongs to another org');
    await this.#in(scope, (trx) => trx.insertInto('webhook_endpoints').values(endpointRow(endpoint)).execute());
  }

  list(scope: TenantScope, after: string | undefined, limit: number): Promise<readonly WebhookEndpoint[]> {
    return this.#in(scope, async (trx) => {
      let query = trx.selectFrom('webhook_endpoints').selectAll().where('org_id', '=', scope.orgId);
      if (after !== undefined) query = query.where('id', '>', after);
      const rows = await query.orderBy('id').limit(limit).execute();
      return Object.freeze(rows.map(endpointOf));
    });
  }

  find(scope: TenantScope, id: string): Promise<WebhookEndpoint | undefined> {
    return this.#in(scope, async (trx) => {
      const row = await trx
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('org_id', '=', scope.orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row === undefined ? undefined : endpointOf(row);
    });
  }

  update(scope: TenantScope, id: string, changes: EndpointChanges, now: number): Promise<WebhookEndpoint | undefined> {
    return this.#in(scope, async (trx) => {
      const set: Partial<WebhookEndpointTable> = { updated_at: now };
      if (changes.url !== undefined) set.url = changes.url;
      if (changes.events !== undefined) set.events = JSON.stringify(changes.events);
      if (changes.description !== undefined) set.description = changes.description;
      if (changes.disabledReason !== undefined) {
        set.disabled_reason = changes.disabledReason;
        // Enabling starts afresh: the failing run that disabled it is forgotten.
        if (changes.disabledReason === null) set.failing_since = null;
      }
      const done = await trx
        .updateTable('webhook_endpoints')
        .set(set)
        .where('org_id', '=', scope.orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (done.numUpdatedRows === 0n) return undefined;
      const row = await trx
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('org_id', '=', scope.orgId)
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return endpointOf(row);
    });
  }

  rotate(scope: TenantScope, id: string, rotation: SecretRotation, now: number): Promise<boolean> {
    return this.#in(scope, async (trx) => {
      const done = await trx
        .updateTable('webhook_endpoints')
        .set({
          secret_version: rotation.secretVersion,
          previous_secret_version: rotation.previousSecretVersion,
          previous_secret_until: rotation.previousSecretUntil,
          updated_at: now,
        })
        .where('org_id', '=', scope.orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      return done.numUpdatedRows > 0n;
    });
  }

  delete(scope: TenantScope, id: string): Promise<boolean> {
    return this.#in(scope, async (trx) => {
      // Deliveries first: the foreign key's cascade is not relied on.
      await trx.deleteFrom('webhook_deliveries').where('org_id', '=', scope.orgId).where('endpoint_id', '=', id).execute();
      const done = await trx.deleteFrom('webhook_endpoints').where('org_id', '=', scope.orgId).where('id', '=', id).executeTakeFirst();
      return done.numDeletedRows > 0n;
    });
  }
}
