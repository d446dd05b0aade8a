/**
 * The body of a delivery (Standard Webhooks, "Payload structure"): `{type, timestamp, data}` —
 * the event's type, when it happened (RFC 3339) and its data, which holds ids and metadata only
 * (kernel/domain/events.ts). Built once, when the event is fanned out, so that every attempt
 * sends the same bytes.
 */

export interface OutboxEvent {
  readonly seq: number;
  readonly id: string;
  readonly type: string;
  readonly orgId: string | null;
  /** The event's data, as stored (JSON). */
  readonly data: string;
  readonly createdAt: number;
}

/** The JSON body of every delivery of `event`. */
export function webhookPayload(event: OutboxEvent): string {
  // Parsed and serialised again, so that the body is JSON whatever the row holds.
  const data: unknown = JSON.parse(event.data);
  return JSON.stringify({ type: event.type, timestamp: new Date(event.createdAt).toISOString(), data });
}
