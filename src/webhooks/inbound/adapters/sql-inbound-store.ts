/**
 * The SQL inbound store (both dialects). Source management runs in the request's tenant
 * transaction (`withTenant`); the public route's lookup by id and the inbox run in system
 * transactions (`withSystem`): the inbound request has no principal and no scope — its source is
 * found by an unguessable id, its event then stored under that source's org — and the hand-over
 * worker serves every org. Acceptance is one INSERT guarded by the unique constraint on
 * (source_key, event_id); a claim is a conditional UPDATE on the lease.
 */
import type { Selectable } from 'kysely';
import type { SqlDialectName } from '../../../kernel/adapters/sql/sql-database.js';
import type { RampartKysely } from '../../../kernel/adapters/sql/schema.js';
import { withSystem, withTenant } from '../../../kernel/adapters/sql/rls-scope.js';
import { isUniqueViolation } from '../../../kernel/adapters/sql/unique-violation.js';
import { DomainError } from '../../../kernel/domain/errors.js';
import type { TenantScope } from '../../../kernel/domain/tenant-scope.js';
import { isHookScheme, isSourceId, type OrgHookSource } from '../domain/hook-source.js';
import type { ClaimedInbox, InboundStore, InboxEntry } from '../ports/inbound-store.js';
import type { WebhookSourceTable } from './inbound-tables.js';

function sourceOf(row: Selectable<WebhookSourceTable>): OrgHookSource {
  if (!isHookScheme(row.scheme)) throw new Error(`hook source ${row.id} has an unknown scheme`);
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    scheme: row.scheme,
    secretName: row.secret_name,
    secretVersion: Number(row.secret_version),
    previousSecretVersion: row.previous_secret_version === null ? null : Number(row.previous_secret_version),
    previousSecretUntil: row.previous_secret_until === null ? null : Number(row.previous_secret_until),
    toleranceSeconds: Number(row.tolerance_seconds),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function rowOf(source: OrgHookSource): WebhookSourceTable {
  return {
    id: source.id,
    org_id: source.orgId,
    name: source.name,
    scheme: source.scheme,
    secret_name: source.secretName,
    secret_version: source.secretVersion,
    previous_secret_version: source.previousSecretVersion,
    previous_secret_until: source.previousSecretUntil,
    tolerance_seconds: source.toleranceSeconds,
    created_at: source.createdAt,
    updated_at: source.updatedAt,
  };
}

export class SqlInboundStore implements InboundStore {
  readonly #db: RampartKysely;
  readonly #dialect: SqlDialectName;

  constructor(db: RampartKysely, dialect: SqlDialectName) {
    this.#db = db;
    this.#dialect = dialect;
  }

  find(scope: TenantScope, idOrName: string): Promise<OrgHookSource | undefined> {
    return withTenant(this.#db, this.#dialect, scope, async (trx) => {
      const row = await trx
        .selectFrom('webhook_sources')
        .selectAll()
        .where('org_id', '=', scope.orgId)
        .where(isSourceId(idOrName) ? 'id' : 'name', '=', idOrName)
        .executeTakeFirst();
      return row === undefined ? undefined : sourceOf(row);
    });
  }

  list(scope: TenantScope): Promise<readonly OrgHookSource[]> {
    return withTenant(this.#db, this.#dialect, scope, async (trx) => {
      const rows = await trx
        .selectFrom('webhook_sources')
        .selectAll()
        .where('org_id', '=', scope.orgId)
        .orderBy('name')
        .limit(1000)
        .execute();
      return rows.map(sourceOf);
    });
  }

  async insert(scope: TenantScope, source: OrgHookSource): Promise<void> {
    if (source.orgId !== scope.orgId) throw new RangeError('the source belongs to another org');
    try {
      await withTenant(this.#db, this.#dialect, scope, (trx) => trx.insertInto('webhook_sources').values(rowOf(source)).execute());
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('conflict', 'A hook source with this name exists');
      throw error;
    }
  }

  update(scope: TenantScope, source: OrgHookSource): Promise<boolean> {
    return withTenant(this.#db, this.#dialect, scope, async (trx) => {
      const { id: _id, org_id: _org, created_at: _created, ...fields } = rowOf(source);
      const result = await trx
        .updateTable('webhook_sources')
        .set(fields)
        .where('org_id', '=', scope.orgId)
        .where('id', '=', source.id)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    });
  }

  delete(scope: TenantScope, id: string): Promise<boolean> {
    return withTenant(this.#db, this.#dialect, scope, async (trx) => {
      const result = await trx.deleteFrom('webhook_sources').where('org_id', '=', scope.orgId).where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }

  findById(id: string): Promise<OrgHookSource | undefined> {
    // System: the public inbound route looks its source up by an unguessable id before any scope exists.
    return withSystem(this.#db, async (trx) => {
      const row = await trx.selectFrom('webhook_sources').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : sourceOf(row);
    });
  }

  async accept(entry: InboxEntry): Promise<'accepted' | 'duplicate'> {
    try {
      // System: the row is stored under the org of the source found by id (or none, for a platform source).
      await withSystem(this.#db, (trx) =>
        trx
          .insertInto('webhook_inbox')
          .values({
            id: entry.id,
            org_id: entry.orgId,
            source_key: entry.sourceKey,
            source_name: entry.sourceName,
            event_id: entry.eventId,
            event_type: entry.eventType ?? null,
            body: entry.body.toString('base64'),
            received_at: entry.receivedAt,
            attempts: 0,
            next_attempt_at: entry.receivedAt,
            lease_until: null,
            processed_at: null,
            last_error: null,
          })
          .execute(),
      );
      return 'accepted';
    } catch (error) {
      if (isUniqueViolation(error)) return 'duplicate';
      throw error;
    }
  }

  claim(
    filter: { readonly keys: readonly string[]; readonly names: readonly string[] } | '*',
    now: number,
    leaseMs: number,
    limit: number,
  ): Promise<readonly ClaimedInbox[]> {
    // System: the hand-over worker serves every org's inbox.
    return withSystem(this.#db, async (trx) => {
      let query = trx
        .selectFrom('webhook_inbox')
        .selectAll()
        .where('processed_at', 'is', null)
        .where('next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]));
      if (filter !== '*') {
        if (filter.keys.length === 0 && filter.names.length === 0) return [];
        query = query.where((eb) =>
          eb.or([
            ...(filter.keys.length > 0 ? [eb('source_key', 'in', [...filter.keys])] : []),
            ...(filter.names.length > 0 ? [eb('source_name', 'in', [...filter.names])] : []),
          ]),
        );
      }
      const due = await query.orderBy('next_attempt_at').limit(limit).execute();
      const claimed: ClaimedInbox[] = [];
      for (const row of due) {
        const result = await trx
          .updateTable('webhook_inbox')
          .set({ lease_until: now + leaseMs, attempts: Number(row.attempts) + 1 })
          .where('id', '=', row.id)
          .where('processed_at', 'is', null)
          .where('attempts', '=', row.attempts)
          .executeTakeFirst();
        if (result.numUpdatedRows === 0n) continue;
        claimed.push({
          id: row.id,
          orgId: row.org_id,
          sourceKey: row.source_key,
          sourceName: row.source_name,
          eventId: row.event_id,
          eventType: row.event_type ?? undefined,
          body: Buffer.from(row.body, 'base64'),
          receivedAt: Number(row.received_at),
          attempt: Number(row.attempts) + 1,
        });
      }
      return claimed;
    });
  }

  async markProcessed(id: string, now: number): Promise<void> {
    await withSystem(this.#db, (trx) =>
      trx.updateTable('webhook_inbox').set({ processed_at: now, lease_until: null, last_error: null }).where('id', '=', id).execute(),
    );
  }

  async retryLater(id: string, nextAttemptAt: number, error: string): Promise<void> {
    await withSystem(this.#db, (trx) =>
      trx
        .updateTable('webhook_inbox')
        .set({ next_attempt_at: nextAttemptAt, lease_until: null, last_error: error.slice(0, 64) })
        .where('id', '=', id)
        .where('processed_at', 'is', null)
        .execute(),
    );
  }

  inboxRow(id: string): Promise<{ readonly processedAt: number | null; readonly attempts: number } | undefined> {
    return withSystem(this.#db, async (trx) => {
      const row = await trx.selectFrom('webhook_inbox').select(['processed_at', 'attempts']).where('id', '=', id).executeTakeFirst();
      return row === undefined
        ? undefined
        : { processedAt: row.processed_at === null ? null : Number(row.processed_at), attempts: Number(row.attempts) };
    });
  }
}
