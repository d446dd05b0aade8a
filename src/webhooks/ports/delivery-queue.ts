/**
 * The deployment-wide side of deliveries, for the dispatcher and the workers: every call crosses
 * orgs by design and runs in a system transaction. Guarantees:
 *
 * - {@link DeliveryQueue.fanOut} reads `event_outbox` in `seq` order and creates the deliveries of
 *   a batch in the same transaction as the consumer's new position: a crash leaves either both or
 *   neither, and the unique (endpoint, event) pair makes a second fan-out of one event impossible.
 *   Sequence numbers drawn by a transaction that had not committed yet are remembered as holes and
 *   looked at again on every pass, so an event that commits late is not skipped.
 * - {@link DeliveryQueue.claim} hands each due delivery to one caller at a time: a claimed delivery
 *   is leased until `now + leaseMs` (PostgreSQL: chosen `FOR UPDATE SKIP LOCKED`, so instances
 *   claiming at once take different rows). A worker that dies mid-attempt loses its lease, and the
 *   delivery is tried again — at least once, never lost.
 */
import type { AttemptResult, Delivery } from '../domain/delivery.js';
import type { WebhookEndpoint } from '../domain/webhook-endpoint.js';

/** A delivery a worker holds, with what it needs to send it. */
export interface ClaimedDelivery extends Delivery {
  readonly payload: string;
  readonly endpoint: WebhookEndpoint;
  /** The lease's end, as the claim set it. */
  readonly lockedUntil: number;
}

/** What a worker records after an attempt. */
export interface AttemptRecord {
  readonly result: AttemptResult;
  readonly attemptedAt: number;
  /** When to try again after a failure; undefined gives the delivery up (`failed`). */
  readonly retryAt: number | undefined;
  /** A failing endpoint whose run of failures began this long ago (ms) or more is disabled. */
  readonly disableAfterMs: number;
}

export interface DeliveryQueue {
  /** Fans out at most `batch` new events (and any hole filled since); the number of events read. */
  fanOut(now: number, batch: number): Promise<number>;
  /**
   * Claims at most `limit` due deliveries of enabled endpoints. `take(endpointId)` is asked for
   * each candidate in due order and says whether this worker has room for one more of that
   * endpoint (its concurrency and rate limits); a refused candidate stays for later.
   */
  claim(now: number, leaseMs: number, limit: number, take: (endpointId: string) => boolean): Promise<readonly ClaimedDelivery[]>;
  /**
   * Records one attempt and its consequences in one transaction: the attempt row, the delivery's
   * new state and the endpoint's failing run (begun, kept, or ended by a success). Resolves true
   * when that run has lasted `disableAfterMs` and the endpoint is still enabled: the caller then
   * records the alert and calls {@link DeliveryQueue.disable}.
   */
  complete(delivery: ClaimedDelivery, record: AttemptRecord): Promise<boolean>;
  /** {@link DeliveryQueue.complete} for several attempts in one transaction (the workers batch what finishes together). */
  completeAll(attempts: readonly { readonly delivery: ClaimedDelivery; readonly record: AttemptRecord }[]): Promise<boolean[]>;
  /**
   * Disables a failing endpoint (reason `failing`) and appends a `webhook.endpoint_disabled` event,
   * in one transaction; false when it is already disabled or no longer failing.
   */
  disable(orgId: string, endpointId: string, now: number): Promise<boolean>;
  /** The earliest `next_attempt_at` of a pending, unleased delivery of an enabled endpoint, if any. */
  nextDue(now: number): Promise<number | undefined>;
}
