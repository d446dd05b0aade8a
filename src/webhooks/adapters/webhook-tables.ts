/** The tables of migration 0018 (outbound webhooks), as Kysely sees them. */

/** Attempts kept in a delivery's log, the latest (its `attempts` counts them all). */
export const MAX_LOGGED_ATTEMPTS = 50;

/** An org's webhook endpoint: where and what to deliver. Its signing secret lives in the secrets capability. */
export interface WebhookEndpointTable {
  id: string;
  org_id: string;
  url: string;
  /** JSON array of subscriptions: event types, prefixes (`member.*`) or `*`. */
  events: string;
  description: string;
  /** Null while enabled; `manual` (PATCH `enabled: false`) or `failing` (disabled after failing too long). */
  disabled_reason: string | null;
  /** The secret (secrets capability) holding the signing secrets: `webhook.<endpoint id>`. */
  secret_name: string;
  /** The version of that secret that signs now. */
  secret_version: number;
  /** The version that signed before the last rotation, beside the current one until `previous_secret_until`. */
  previous_secret_version: number | null;
  previous_secret_until: number | null;
  /** When the endpoint's current run of failed attempts began; null after a success. */
  failing_since: number | null;
  created_at: number;
  updated_at: number;
}

/** One event to deliver to one endpoint (unique per endpoint and event: an event is fanned out once). */
export interface WebhookDeliveryTable {
  id: string;
  org_id: string;
  endpoint_id: string;
  /** The outbox event's id: the `webhook-id` of every attempt. */
  event_id: string;
  event_type: string;
  /** The exact body every attempt sends: `{type, timestamp, data}` as JSON. */
  payload: string;
  /** `pending`, `delivered` or `failed` (given up). */
  status: string;
  attempts: number;
  next_attempt_at: number;
  /** A worker's claim: no other worker takes the delivery before this time. */
  locked_until: number | null;
  last_error: string | null;
  last_status_code: number | null;
  /** JSON array of the latest attempts ({@link MAX_LOGGED_ATTEMPTS}): never a response body. */
  attempt_log: string;
  created_at: number;
  updated_at: number;
}

/** The outbox consumer's position: the last `event_outbox.seq` it fanned out. Deployment-wide. */
export interface WebhookOutboxCursorTable {
  consumer: string;
  position: number;
}

/**
 * Positions the consumer passed over that held no event yet: a transaction that drew the number
 * had not committed (PostgreSQL hands out sequence numbers before commit) or rolled back. Each pass
 * looks again; a hole older than the longest transaction is forgotten.
 */
export interface WebhookOutboxHoleTable {
  seq: number;
  noticed_at: number;
}

declare module '../../kernel/adapters/sql/schema.js' {
  /** The outbound webhooks' tables (migration 0018). */
  interface RampartDatabase {
    webhook_endpoints: WebhookEndpointTable;
    webhook_deliveries: WebhookDeliveryTable;
    webhook_outbox_cursor: WebhookOutboxCursorTable;
    webhook_outbox_holes: WebhookOutboxHoleTable;
  }
}
