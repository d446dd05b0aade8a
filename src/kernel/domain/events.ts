/**
 * Rampart's own events: what happened (a member added, an API key created, a job finished), as
 * the webhooks capability delivers it to subscribed endpoints. Each capability declares the event
 * types it emits by declaration merging (`declare module '…/kernel/domain/events.js' { interface
 * EventTypes { 'member.added': true } }`) and lists them in its `EVENT_TYPES` export, so that an
 * event of an undeclared type does not compile and the catalogue (the OpenAPI enum) is complete.
 *
 * An event carries ids and metadata only: never a secret value, a token, a hash of one, or
 * personal data beyond what the event needs to be understood.
 */

/** The event types, filled by declaration merging in each capability's `domain/events.ts`. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface EventTypes {}

/** A declared event type (`member.added`, `job.finished` …). */
export type EventType = keyof EventTypes & string;

/** A JSON value an event's data may hold. */
export type EventValue = string | number | boolean | null | readonly EventValue[] | { readonly [key: string]: EventValue };

/** One event, as emitted. */
export interface DomainEvent {
  readonly type: EventType;
  /** The org the event belongs to; `null` for a deployment-wide event (a platform user, a key rotation). */
  readonly orgId: string | null;
  /** Ids and metadata only. */
  readonly data: Readonly<Record<string, EventValue>>;
}
