/**
 * A delivery (issue 15, item 3): one event for one endpoint, tried until it is accepted (a 2xx),
 * or given up when its retry schedule is spent. Every attempt sends the same body with the same
 * `webhook-id` — the event's id — which is the receiver's idempotency key (item 5): delivery is
 * at least once, so a receiver may see an id twice and must act on it once.
 */

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/**
 * Why an attempt failed: the outbound client's outcomes, plus `secret_unavailable` (the signing
 * secret could not be read) and `endpoint_disabled` (the endpoint was switched off meanwhile).
 */
export type AttemptErrorClass =
  'http_error' | 'ssrf_blocked' | 'timeout' | 'connect_error' | 'tls_error' | 'redirect' | 'too_large' | 'secret_unavailable';

export interface Delivery {
  readonly id: string;
  readonly orgId: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly lastError: string | null;
  readonly lastStatusCode: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One attempt as recorded: never the response body. */
export interface DeliveryAttempt {
  readonly attemptedAt: number;
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly errorClass: string | null;
}

/** What an attempt came to, as the worker records it. */
export interface AttemptResult {
  readonly ok: boolean;
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly errorClass: AttemptErrorClass | null;
}
