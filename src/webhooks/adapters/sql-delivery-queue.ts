/**
 * The built-in {@link DeliveryQueue} (its guarantees are the port's). Every call is one system
 * transaction (`withSystem`): the outbox consumer and the workers serve every org by design, so
 * they cross orgs; each row they write still carries the org of the event or delivery it came
 * from.
 *
 * Fan-out takes the consumer's cursor row `FOR UPDATE` on PostgreSQL, so two instances fan out one
 * after the other; SQLite has one writer at a time anyway. Claims on PostgreSQL choose rows
 * `FOR UPDATE SKIP LOCKED` and lease them (`locked_until`) before the transaction ends.
 */
import { sql } from 'kysely';
import { withSystem, type TenantTransaction } from '../../kernel/adapters/sql/rls-scope.js';
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import type { SqlDialectName } from '../../kernel/adapters/sql/sql-database.js';
import { randomKey } from '../../kernel/crypto/random.js';
import { appendEvent } from '../../kernel/events/event-outbox.js';
import { subscribes, type WebhookEndpoint } from '../domain/webhook-endpoint.js';
import { webhookPayload, type OutboxEvent } from '../domain/webhook-payload.js';
import type { AttemptRecord, ClaimedDelivery, DeliveryQueue } from '../ports/delivery-queue.js';
import { appendAttempt, deliveryOf, endpointOf } from './webhook-rows.js';
import type { WebhookDeliveryTable } from './webhook-tables.js';

/** The consumer's name in `webhook_outbox_cursor`. */
const CONSUMER = 'webhooks';
/** A hole older than this is a rolled-back transaction's number, not a slow commit: forgotten. */
export const HOLE_TTL_MS = 10 * 60_000;
/** Holes remembered for one gap at most (a sequence that jumped far is not a thousand open transactions). */
const MAX_HOLES_PER_GAP = 1000;
/** Rows per multi-row insert (SQLite's bound-parameter limit). */
const INSERT_CHUNK = 50;

function newId(prefix: string): string {
  return `${prefix}_${randomKey(16).toString('hex')}`;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export class SqlDeliveryQueue implements DeliveryQueue {
  readonly #db: RampartKysely;
  readonly #postgres: boolean;

  constructor(db: RampartKysely, dialect: SqlDialectName) {
    this.#db = db;
    this.#postgres = dialect === 'postgres';
  }

  // withSystem: the consumer reads every org's events and writes every org's deliveries (see the module comment).
  fanOut(now: number, batch: number): Promise<number> {
    return withSystem(this.#db, async (trx) => {
      const position = await this.#cursor(trx);
      const filled = await this.#fillHoles(trx, now);
      const rows = await trx.selectFrom('event_outbox').selectAll().where('seq', '>', position).orderBy('seq').limit(batch).execute();
      const events = rows.map(outboxEvent);
      await this.#rememberHoles(trx, position, events, now);
      await this.#deliver(trx, [...filled, ...events], now);
      const last = events.at(-1);
      if (last !== undefined) {
        await trx.updateTable('webhook_outbox_cursor').set({ position: last.seq }).where('consumer', '=', CONSUMER).execute();
      }
      return events.length + filled.length;
    });
  }

  async #cursor(trx: TenantTransaction): Promise<number> {
    await trx
      .insertInto('webhook_outbox_cursor')
      .values({ consumer: CONSUMER, position: 0 })
      .onConflict((oc) => oc.column('consumer').doNothing())
      .execute();
    let query = trx.selectFrom('webhook_outbox_cursor').select('position').where('consumer', '=', CONSUMER);
    if (this.#postgres) query = query.forUpdate();
    const row = await query.executeTakeFirstOrThrow();
    return Number(row.position);
  }

  /** The events that have appeared in remembered holes (then forgotten, as are holes too old to fill). */
  async #fillHoles(trx: TenantTransaction, now: number): Promise<OutboxEvent[]> {
    const holes = await trx.selectFrom('webhook_outbox_holes').select('seq').orderBy('seq').limit(5000).execute();
    if (holes.length === 0) return [];
    const seqs = holes.map((hole) => Number(hole.seq));
    const rows = await trx.selectFrom('event_outbox').selectAll().where('seq', 'in', seqs).orderBy('seq').execute();
    const found = rows.map(outboxEvent);
    for (const part of chunks(
      found.map((event) => event.seq),
      500,
    )) {
      await trx.deleteFrom('webhook_outbox_holes').where('seq', 'in', part).execute();
    }
    await trx
      .deleteFrom('webhook_outbox_holes')
      .where('noticed_at', '<', now - HOLE_TTL_MS)
      .execute();
    return found;
  }

  async #rememberHoles(trx: TenantTransaction, position: number, events: readonly OutboxEvent[], now: number): Promise<void> {
    const holes: { seq: number; noticed_at: number }[] = [];
    let expected = position + 1;
    for (const event of events) {
      for (let seq = expected; seq < event.seq && seq < expected + MAX_HOLES_PER_GAP; seq += 1) holes.push({ seq, noticed_at: now });
      expected = event.seq + 1;
    }
    for (const part of chunks(holes, 200)) {
      await trx
        .insertInto('webhook_outbox_holes')
        .values(part)
        .onConflict((oc) => oc.column('seq').doNothing())
        .execute();
    }
  }

  /** Creates the deliveries of `events` to the enabled endpoints of their orgs that subscribe. */
  async #deliver(trx: TenantTransaction, events: readonly OutboxEvent[], now: number): Promise<void> {
    const orgs = [...new Set(events.flatMap((event) => (event.orgId === null ? [] : [event.orgId])))];
    if (orgs.length === 0) return;
    const endpointRows = await trx
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('org_id', 'in', orgs)
      .where('disabled_reason', 'is', null)
      .execute();
    const byOrg = new Map<string, WebhookEndpoint[]>();
    for (const endpoint of endpointRows.map(endpointOf)) byOrg.set(endpoint.orgId, [...(byOrg.get(endpoint.orgId) ?? []), endpoint]);
    const rows: WebhookDeliveryTable[] = [];
    for (const event of events) {
      if (event.orgId === null) continue;
      const endpoints = (byOrg.get(event.orgId) ?? []).filter((endpoint) => subscribes(endpoint.events, event.type));
      if (endpoints.length === 0) continue;
      const payload = webhookPayload(event);
      for (const endpoint of endpoints) rows.push(deliveryRow(event, endpoint, payload, now));
    }
    for (const part of chunks(rows, INSERT_CHUNK)) {
      await trx
        .insertInto('webhook_deliveries')
        .values(part)
        .onConflict((oc) => oc.columns(['endpoint_id', 'event_id']).doNothing())
        .execute();
    }
  }

  // withSystem: a worker serves the deliveries of every org (see the module comment).
  claim(now: number, leaseMs: number, limit: number, take: (endpointId: string) => boolean): Promise<readonly ClaimedDelivery[]> {
    if (limit <= 0) return Promise.resolve([]);
    return withSystem(this.#db, async (trx) => {
      let query = trx
        .selectFrom('webhook_deliveries')
        .innerJoin('webhook_endpoints', 'webhook_endpoints.id', 'webhook_deliveries.endpoint_id')
        .select(['webhook_deliveries.id as id', 'webhook_deliveries.endpoint_id as endpoint_id'])
        .where('webhook_deliveries.status', '=', 'pending')
        .where('webhook_deliveries.next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('webhook_deliveries.locked_until', 'is', null), eb('webhook_deliveries.locked_until', '<=', now)]))
        .where('webhook_endpoints.disabled_reason', 'is', null)
        .orderBy('webhook_deliveries.next_attempt_at')
        .limit(limit * 4);
      if (this.#postgres) query = query.forUpdate('webhook_deliveries').skipLocked();
      const candidates = await query.execute();
      const chosen: string[] = [];
      for (const candidate of candidates) {
        if (chosen.length >= limit) break;
        if (take(candidate.endpoint_id)) chosen.push(candidate.id);
      }
      if (chosen.length === 0) return [];
      const lockedUntil = now + leaseMs;
      await trx.updateTable('webhook_deliveries').set({ locked_until: lockedUntil }).where('id', 'in', chosen).execute();
      const rows = await trx
        .selectFrom('webhook_deliveries')
        .innerJoin('webhook_endpoints', 'webhook_endpoints.id', 'webhook_deliveries.endpoint_id')
        .selectAll('webhook_deliveries')
        .select([
          'webhook_endpoints.url as e_url',
          'webhook_endpoints.events as e_events',
          'webhook_endpoints.description as e_description',
          'webhook_endpoints.disabled_reason as e_disabled_reason',
          'webhook_endpoints.secret_name as e_secret_name',
          'webhook_endpoints.secret_version as e_secret_version',
          'webhook_endpoints.previous_secret_version as e_previous_secret_version',
          'webhook_endpoints.previous_secret_until as e_previous_secret_until',
          'webhook_endpoints.failing_since as e_failing_since',
          'webhook_endpoints.created_at as e_created_at',
          'webhook_endpoints.updated_at as e_updated_at',
        ])
        .where('webhook_deliveries.id', 'in', chosen)
        .execute();
      return rows.map((row) => ({
        ...deliveryOf(row),
        payload: row.payload,
        lockedUntil,
        endpoint: endpointOf({
          id: row.endpoint_id,
          org_id: row.org_id,
          url: row.e_url,
          events: row.e_events,
          description: row.e_description,
          disabled_reason: row.e_disabled_reason,
          secret_name: row.e_secret_name,
          secret_version: row.e_secret_version,
          previous_secret_version: row.e_previous_secret_version,
          previous_secret_until: row.e_previous_secret_until,
          failing_since: row.e_failing_since,
          created_at: row.e_created_at,
          updated_at: row.e_updated_at,
        }),
      }));
    });
  }

  // withSystem: a worker records the attempts of every org's deliveries (see the module comment).
  async complete(delivery: ClaimedDelivery, record: AttemptRecord): Promise<boolean> {
    const [due] = await this.completeAll([{ delivery, record }]);
    return due === true;
  }

  // withSystem: as complete.
  completeAll(attempts: readonly { readonly delivery: ClaimedDelivery; readonly record: AttemptRecord }[]): Promise<boolean[]> {
    return withSystem(this.#db, async (trx) => {
      const out: boolean[] = [];
      for (const { delivery, record } of attempts) out.push(await this.#complete(trx, delivery, record));
      return out;
    });
  }

  async #complete(trx: TenantTransaction, delivery: ClaimedDelivery, record: AttemptRecord): Promise<boolean> {
    {
      const { result, attemptedAt } = record;
      const current = await trx.selectFrom('webhook_deliveries').select('attempt_log').where('id', '=', delivery.id).executeTakeFirst();
      // Deleted meanwhile (with its endpoint): nothing left to record.
      if (current === undefined) return false;
      const attempt = { attemptedAt, statusCode: result.statusCode, latencyMs: result.latencyMs, errorClass: result.errorClass };
      const status = result.ok ? 'delivered' : record.retryAt === undefined ? 'failed' : 'pending';
      await trx
        .updateTable('webhook_deliveries')
        .set({
          status,
          attempts: sql<number>`attempts + 1`,
          next_attempt_at: record.retryAt ?? attemptedAt,
          locked_until: null,
          last_error: result.errorClass,
          last_status_code: result.statusCode,
          attempt_log: appendAttempt(current.attempt_log, attempt),
          updated_at: attemptedAt,
        })
        .where('id', '=', delivery.id)
        .execute();
      if (result.ok) {
        await trx
          .updateTable('webhook_endpoints')
          .set({ failing_since: null })
          .where('id', '=', delivery.endpointId)
          .where('failing_since', 'is not', null)
          .execute();
        return false;
      }
      return this.#failing(trx, delivery, attemptedAt, record.disableAfterMs);
    }
  }

  /** Starts or extends the endpoint's failing run; whether it has now lasted long enough to disable the endpoint. */
  async #failing(trx: TenantTransaction, delivery: ClaimedDelivery, now: number, disableAfterMs: number): Promise<boolean> {
    await trx
      .updateTable('webhook_endpoints')
      .set({ failing_since: now })
      .where('id', '=', delivery.endpointId)
      .where('failing_since', 'is', null)
      .execute();
    const due = await trx
      .selectFrom('webhook_endpoints')
      .select('id')
      .where('id', '=', delivery.endpointId)
      .where('disabled_reason', 'is', null)
      .where('failing_since', '<=', now - disableAfterMs)
      .executeTakeFirst();
    return due !== undefined;
  }

  // withSystem: a worker disables a failing endpoint of any org (see the module comment).
  disable(orgId: string, endpointId: string, now: number): Promise<boolean> {
    return withSystem(this.#db, async (trx) => {
      const disabled = await trx
        .updateTable('webhook_endpoints')
        .set({ disabled_reason: 'failing', updated_at: now })
        .where('org_id', '=', orgId)
        .where('id', '=', endpointId)
        .where('disabled_reason', 'is', null)
        .where('failing_since', 'is not', null)
        .returning(['failing_since'])
        .executeTakeFirst();
      if (disabled === undefined) return false;
      await appendEvent(
        trx,
        {
          type: 'webhook.endpoint_disabled',
          orgId,
          data: { endpoint_id: endpointId, failing_since: new Date(Number(disabled.failing_since)).toISOString() },
        },
        now,
      );
      return true;
    });
  }

  // withSystem: the earliest due time over every org's deliveries (see the module comment).
  nextDue(now: number): Promise<number | undefined> {
    return withSystem(this.#db, async (trx) => {
      const row = await trx
        .selectFrom('webhook_deliveries')
        .innerJoin('webhook_endpoints', 'webhook_endpoints.id', 'webhook_deliveries.endpoint_id')
        .select((eb) => eb.fn.min('webhook_deliveries.next_attempt_at').as('due'))
        .where('webhook_deliveries.status', '=', 'pending')
        .where('webhook_endpoints.disabled_reason', 'is', null)
        .where((eb) => eb.or([eb('webhook_deliveries.locked_until', 'is', null), eb('webhook_deliveries.locked_until', '<=', now)]))
        .executeTakeFirst();
      return row?.due === null || row?.due === undefined ? undefined : Number(row.due);
    });
  }
}

function outboxEvent(row: { seq: number; id: string; type: string; org_id: string | null; data: string; created_at: number }): OutboxEvent {
  return { seq: Number(row.seq), id: row.id, type: row.type, orgId: row.org_id, data: row.data, createdAt: Number(row.created_at) };
}

function deliveryRow(event: OutboxEvent, endpoint: WebhookEndpoint, payload: string, now: number): WebhookDeliveryTable {
  return {
    id: newId('whd'),
    org_id: event.orgId ?? endpoint.orgId,
    endpoint_id: endpoint.id,
    event_id: event.id,
    event_type: event.type,
    payload,
    status: 'pending',
    attempts: 0,
    next_attempt_at: now,
    locked_until: null,
    last_error: null,
    last_status_code: null,
    attempt_log: '[]',
    created_at: now,
    updated_at: now,
  };
}
