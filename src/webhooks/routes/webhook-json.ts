/** How the webhook routes show endpoints and deliveries: metadata only, never a secret. */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { EventType } from '../../kernel/domain/events.js';
import type { Delivery, DeliveryAttempt } from '../domain/delivery.js';
import type { WebhookEndpoint } from '../domain/webhook-endpoint.js';

const Time = Type.String({ format: 'date-time' });
const TimeOrNull = Type.Union([Time, Type.Null()]);

/** A subscription: an event type of the catalogue (the enum), a prefix ending in `.*`, or `*`. */
export function SubscriptionSchema(catalogue: readonly EventType[]): TSchema {
  const prefix = Type.String({
    pattern: '^(\\*|[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*\\.\\*)$',
    maxLength: 64,
    description: '`*` (every event) or a prefix of event types followed by `.*` (`member.*`)',
  });
  if (catalogue.length === 0) return prefix;
  return Type.Union([
    Type.Union(
      catalogue.map((type) => Type.Literal(type)),
      { description: 'an event type of the catalogue' },
    ),
    prefix,
  ]);
}

export const EndpointJson = Type.Object(
  {
    id: Type.String({ description: '`whk_…`' }),
    url: Type.String(),
    events: Type.Array(Type.String(), { description: 'the subscriptions: event types, prefixes (`member.*`) or `*`' }),
    description: Type.String(),
    enabled: Type.Boolean(),
    disabled_reason: Type.Union([Type.Literal('manual'), Type.Literal('failing'), Type.Null()], {
      description: '`manual`: switched off by a manager; `failing`: disabled after failing for longer than RAMPART_WEBHOOK_DISABLE_AFTER',
    }),
    previous_secret_expires_at: Type.Union([Time, Type.Null()], {
      description: 'while set and in the future, the previous signing secret still signs beside the current one',
    }),
    failing_since: Type.Union([Time, Type.Null()], { description: 'when the current run of failed attempts began' }),
    created_at: Time,
    updated_at: Time,
  },
  { additionalProperties: false },
);

export const IssuedEndpointJson = Type.Object(
  {
    ...EndpointJson.properties,
    secret: Type.String({ description: 'The signing secret (`whsec_…`, Standard Webhooks), shown this once' }),
  },
  { additionalProperties: false },
);

export const DeliveryJson = Type.Object(
  {
    id: Type.String({ description: '`whd_…`' }),
    event_id: Type.String({ description: 'the event’s id: the `webhook-id` header of every attempt (the receiver’s idempotency key)' }),
    event_type: Type.String(),
    status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
    attempts: Type.Integer(),
    next_attempt_at: TimeOrNull,
    last_error: Type.Union([Type.String(), Type.Null()], {
      description:
        'the last failed attempt’s class: `http_error`, `timeout`, `connect_error`, `tls_error`, `redirect`, `too_large`, `ssrf_blocked`, `secret_unavailable`',
    }),
    last_status_code: Type.Union([Type.Integer(), Type.Null()]),
    created_at: Time,
    updated_at: Time,
  },
  { additionalProperties: false },
);

export const AttemptJson = Type.Object(
  {
    attempted_at: Time,
    status_code: Type.Union([Type.Integer(), Type.Null()]),
    latency_ms: Type.Integer(),
    error_class: Type.Union([Type.String(), Type.Null()], { description: 'null for a success' }),
  },
  { additionalProperties: false },
);

const iso = (ms: number): string => new Date(ms).toISOString();

export function endpointJson(endpoint: WebhookEndpoint, now: number): Static<typeof EndpointJson> {
  const overlap = endpoint.previousSecretUntil !== null && endpoint.previousSecretUntil > now ? iso(endpoint.previousSecretUntil) : null;
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: [...endpoint.events],
    description: endpoint.description,
    enabled: endpoint.disabledReason === null,
    disabled_reason: endpoint.disabledReason,
    previous_secret_expires_at: overlap,
    failing_since: endpoint.failingSince === null ? null : iso(endpoint.failingSince),
    created_at: iso(endpoint.createdAt),
    updated_at: iso(endpoint.updatedAt),
  };
}

export function deliveryJson(delivery: Delivery): Static<typeof DeliveryJson> {
  return {
    id: delivery.id,
    event_id: delivery.eventId,
    event_type: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts,
    next_attempt_at: delivery.status === 'pending' ? iso(delivery.nextAttemptAt) : null,
    last_error: delivery.lastError,
    last_status_code: delivery.lastStatusCode,
    created_at: iso(delivery.createdAt),
    updated_at: iso(delivery.updatedAt),
  };
}

export function attemptJson(attempt: DeliveryAttempt): Static<typeof AttemptJson> {
  return {
    attempted_at: iso(attempt.attemptedAt),
    status_code: attempt.statusCode,
    latency_ms: Math.round(attempt.latencyMs),
    error_class: attempt.errorClass,
  };
}
