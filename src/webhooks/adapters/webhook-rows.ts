/** Rows of the webhook tables as domain records (shared by the SQL adapters). */
import type { Delivery, DeliveryAttempt, DeliveryStatus } from '../domain/delivery.js';
import type { DisabledReason, WebhookEndpoint } from '../domain/webhook-endpoint.js';
import { MAX_LOGGED_ATTEMPTS, type WebhookDeliveryTable, type WebhookEndpointTable } from './webhook-tables.js';

const num = (value: number | string | bigint): number => Number(value);
const numOrNull = (value: number | string | bigint | null): number | null => (value === null ? null : Number(value));

function disabledReason(value: string | null): DisabledReason | null {
  if (value === null) return null;
  return value === 'failing' ? 'failing' : 'manual';
}

function status(value: string): DeliveryStatus {
  return value === 'delivered' || value === 'failed' ? value : 'pending';
}

export function endpointOf(row: WebhookEndpointTable): WebhookEndpoint {
  return Object.freeze({
    id: row.id,
    orgId: row.org_id,
    url: row.url,
    events: Object.freeze(JSON.parse(row.events) as string[]),
    description: row.description,
    disabledReason: disabledReason(row.disabled_reason),
    secretName: row.secret_name,
    secretVersion: num(row.secret_version),
    previousSecretVersion: numOrNull(row.previous_secret_version),
    previousSecretUntil: numOrNull(row.previous_secret_until),
    failingSince: numOrNull(row.failing_since),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  });
}

export function endpointRow(endpoint: WebhookEndpoint): WebhookEndpointTable {
  return {
    id: endpoint.id,
    org_id: endpoint.orgId,
    url: endpoint.url,
    events: JSON.stringify(endpoint.events),
    description: endpoint.description,
    disabled_reason: endpoint.disabledReason,
    secret_name: endpoint.secretName,
    secret_version: endpoint.secretVersion,
    previous_secret_version: endpoint.previousSecretVersion,
    previous_secret_until: endpoint.previousSecretUntil,
    failing_since: endpoint.failingSince,
    created_at: endpoint.createdAt,
    updated_at: endpoint.updatedAt,
  };
}

export function deliveryOf(row: Omit<WebhookDeliveryTable, 'payload' | 'locked_until' | 'attempt_log'>): Delivery {
  return Object.freeze({
    id: row.id,
    orgId: row.org_id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: status(row.status),
    attempts: num(row.attempts),
    nextAttemptAt: num(row.next_attempt_at),
    lastError: row.last_error,
    lastStatusCode: numOrNull(row.last_status_code),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  });
}

/** One entry of a delivery's `attempt_log`, as stored. */
interface LoggedAttempt {
  readonly at: number;
  readonly status: number | null;
  readonly latency_ms: number;
  readonly error: string | null;
}

export function attemptsOf(log: string): readonly DeliveryAttempt[] {
  const entries = JSON.parse(log) as LoggedAttempt[];
  return Object.freeze(
    entries.map((entry) =>
      Object.freeze({ attemptedAt: entry.at, statusCode: entry.status, latencyMs: entry.latency_ms, errorClass: entry.error }),
    ),
  );
}

/** `log` with `attempt` appended, the oldest entries dropped past {@link MAX_LOGGED_ATTEMPTS}. */
export function appendAttempt(log: string, attempt: DeliveryAttempt): string {
  const entries = JSON.parse(log) as LoggedAttempt[];
  entries.push({
    at: attempt.attemptedAt,
    status: attempt.statusCode,
    latency_ms: Math.round(attempt.latencyMs),
    error: attempt.errorClass,
  });
  return JSON.stringify(entries.slice(-MAX_LOGGED_ATTEMPTS));
}
