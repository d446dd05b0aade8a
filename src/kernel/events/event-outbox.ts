/**
 * The event outbox (table `event_outbox`, migration 0016): the one place an event is written, in
 * the same transaction as the change that caused it. An event is therefore stored exactly when
 * its change commits — none is lost on a crash after the commit, none exists for a change that
 * rolled back — and a consumer (the webhooks capability's dispatcher) reads the table in `seq`
 * order and fans each event out to its subscribers.
 *
 * `seq` orders the events; `id` (`evt_…`, 128 random bits) names one to the outside and is the
 * `webhook-id` of every delivery of it. On PostgreSQL the table is a tenant table under
 * row-level security: a tenant transaction can append its own org's events only; a deployment
 * event (`org_id` null) is appended in a system transaction.
 */
import type { Generated, Kysely, Transaction } from 'kysely';
import type { DomainEvent } from '../domain/events.js';
import type { RampartDatabase } from '../adapters/sql/schema.js';
import { randomKey } from '../crypto/random.js';

export interface EventOutboxTable {
  seq: Generated<number>;
  id: string;
  type: string;
  org_id: string | null;
  /** The event's data as JSON. */
  data: string;
  created_at: number;
}

declare module '../adapters/sql/schema.js' {
  interface RampartDatabase {
    event_outbox: EventOutboxTable;
  }
}

/** Where an event is appended: the change's own transaction (or the database, for a change that is one statement). */
export type EventExecutor = Kysely<RampartDatabase> | Transaction<RampartDatabase>;

/** An event id: `evt_` and 128 random bits. */
export function newEventId(): string {
  return `evt_${randomKey(16).toString('hex')}`;
}

/**
 * Appends `event` through `executor` — pass the transaction of the change that caused it, so
 * that both commit or neither does. Returns the event's id.
 */
export async function appendEvent(executor: EventExecutor, event: DomainEvent, now: number): Promise<string> {
  const id = newEventId();
  await executor
    .insertInto('event_outbox')
    .values({ id, type: event.type, org_id: event.orgId, data: JSON.stringify(event.data), created_at: now })
    .execute();
  return id;
}
