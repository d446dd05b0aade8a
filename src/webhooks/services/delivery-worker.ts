/**
 * The outbound delivery loop of one instance (issue 15, item 3): fan the event outbox out into
 * deliveries, claim due deliveries within the per-endpoint limits, sign each with the endpoint's
 * active secrets, send it through the kernel's outbound client (the SSRF guard checks the URL and
 * every resolved address again at each attempt, and the connection goes to the checked address),
 * record the attempt and schedule the next one with backoff and jitter.
 *
 * Every attempt of a delivery carries the event's id as `webhook-id` and the same body: a
 * receiver deduplicates on it (item 5). A crash between sending and recording leaves the delivery
 * leased; when the lease ends another worker sends it again — at least once, never lost.
 *
 * An endpoint whose failures have lasted `disableAfterMs` is disabled as an audited change: the
 * `webhook.endpoint_disabled` entry first (result `failure`, an alert), then the row and the event.
 */
import { auditedChange } from '../../kernel/audited-change.js';
import type { Logger } from '../../kernel/adapters/log/pino-logger.js';
import type { AuditEvent, AuditLog } from '../../kernel/ports/audit-log.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { webhookHeaders } from '../crypto/webhook-signature.js';
import type { AttemptErrorClass, AttemptResult } from '../domain/delivery.js';
import { retryDelayMs } from '../domain/retry-schedule.js';
import type { AttemptRecord, ClaimedDelivery, DeliveryQueue } from '../ports/delivery-queue.js';
import type { EndpointLimits } from './endpoint-limits.js';
import type { SigningKeys } from './signing-keys.js';

/** What the outbound client answers (kernel/net/outbound-http.ts), as far as a delivery needs it. */
export interface SendResult {
  readonly outcome: 'ok' | AttemptErrorClass;
  readonly status?: number | undefined;
  readonly latencyMs: number;
}

/** Sends one signed delivery (the composition binds the kernel's outbound client and policy). */
export type SendDelivery = (request: {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}) => Promise<SendResult>;

export interface DeliveryWorkerOptions {
  readonly queue: DeliveryQueue;
  readonly keys: SigningKeys;
  readonly limits: EndpointLimits;
  readonly send: SendDelivery;
  readonly audit: AuditLog;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Deliveries in flight at once. */
  readonly workers: number;
  /** Seconds between attempts (domain/retry-schedule.ts). */
  readonly retrySchedule: readonly number[];
  readonly disableAfterMs: number;
  /** How long a claim holds a delivery: longer than an attempt can take. */
  readonly leaseMs: number;
  /** Events fanned out per transaction. */
  readonly fanOutBatch: number;
  /** A uniformly random number in [0, 1), for the jitter. */
  readonly random: () => number;
  readonly onError: (error: unknown) => void;
}

const USER_AGENT = 'Rampart-Webhooks/1';
/** Attempts that finish within this many ms are recorded in one transaction. */
const RECORD_WINDOW_MS = 2;

interface PendingRecord {
  readonly delivery: ClaimedDelivery;
  readonly record: AttemptRecord;
  readonly done: (failingTooLong: boolean) => void;
  readonly failed: (error: unknown) => void;
}

export class DeliveryWorker {
  readonly #o: DeliveryWorkerOptions;
  readonly #inFlight = new Set<Promise<void>>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #pumping: Promise<number> | undefined;
  #again = false;
  #closed = false;
  #records: PendingRecord[] = [];
  #flush: ReturnType<typeof setTimeout> | undefined;

  constructor(options: DeliveryWorkerOptions) {
    this.#o = options;
  }

  /** Polls every `intervalMs` (and again as soon as a delivery finishes). */
  start(intervalMs: number): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = setInterval(() => this.#kick(), intervalMs);
    this.#timer.unref();
    this.#kick();
  }

  /** One pass: fans out what the outbox holds, then starts as many due deliveries as there is room for. */
  pump(): Promise<number> {
    this.#pumping ??= this.#pass().finally(() => {
      this.#pumping = undefined;
    });
    return this.#pumping;
  }

  /** Passes until nothing is due and nothing is in flight (tests, the benchmark, `rampart webhooks deliver`). */
  async drain(maxPasses = 10_000): Promise<void> {
    for (let pass = 0; pass < maxPasses; pass += 1) {
      const started = await this.pump();
      if (started === 0 && this.#inFlight.size === 0) {
        // Nothing claimed: done unless a delivery is due that a concurrent pass left behind.
        const due = await this.#o.queue.nextDue(this.#o.clock.now());
        if (due === undefined || due > this.#o.clock.now()) return;
      }
      // Wait for one to finish when nothing new started; refill in halves, so that one claim serves many deliveries.
      while (this.#inFlight.size > 0 && (started === 0 || this.#inFlight.size > this.#o.workers / 2)) {
        await Promise.race(this.#inFlight);
        if (started === 0) break;
      }
    }
  }

  /** Stops polling and waits for the deliveries in flight. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#pumping?.catch(() => undefined);
    await Promise.allSettled([...this.#inFlight]);
  }

  #kick(): void {
    if (this.#closed) return;
    if (this.#pumping !== undefined) {
      this.#again = true;
      return;
    }
    this.pump()
      .then(() => {
        if (this.#again) {
          this.#again = false;
          this.#kick();
        }
      })
      .catch(this.#o.onError);
  }

  async #pass(): Promise<number> {
    const { queue, clock, fanOutBatch } = this.#o;
    // Drain the outbox first (bounded, so one pass cannot run forever under a flood of events).
    for (let i = 0; i < 20 && (await queue.fanOut(clock.now(), fanOutBatch)) >= fanOutBatch; i += 1);
    const room = this.#o.workers - this.#inFlight.size;
    if (room <= 0 || this.#closed) return 0;
    const claimed = await queue.claim(clock.now(), this.#o.leaseMs, room, (endpointId) => this.#o.limits.tryTake(endpointId));
    for (const delivery of claimed) {
      const running: Promise<void> = this.#attempt(delivery)
        .catch(this.#o.onError)
        .finally(() => {
          this.#o.limits.release(delivery.endpointId);
          this.#inFlight.delete(running);
          if (this.#inFlight.size <= this.#o.workers / 2) this.#kick();
        });
      this.#inFlight.add(running);
    }
    return claimed.length;
  }

  async #attempt(delivery: ClaimedDelivery): Promise<void> {
    const { clock } = this.#o;
    const attemptedAt = clock.now();
    const result = await this.#send(delivery, attemptedAt);
    const delay = result.ok ? undefined : retryDelayMs(this.#o.retrySchedule, delivery.attempts + 1, this.#o.random());
    const retryAt = delay === undefined ? undefined : clock.now() + delay;
    const failingTooLong = await this.#record(delivery, { result, attemptedAt, retryAt, disableAfterMs: this.#o.disableAfterMs });
    if (failingTooLong) await this.#disable(delivery);
  }

  /** Records an attempt with the others that finish within {@link RECORD_WINDOW_MS}, in one transaction. */
  #record(delivery: ClaimedDelivery, record: AttemptRecord): Promise<boolean> {
    return new Promise<boolean>((done, failed) => {
      this.#records.push({ delivery, record, done, failed });
      if (this.#flush !== undefined) return;
      this.#flush = setTimeout(() => {
        this.#flush = undefined;
        const batch = this.#records;
        this.#records = [];
        this.#o.queue.completeAll(batch).then(
          (due) => batch.forEach((pending, i) => pending.done(due[i] === true)),
          (error: unknown) => batch.forEach((pending) => pending.failed(error)),
        );
      }, RECORD_WINDOW_MS);
    });
  }

  async #send(delivery: ClaimedDelivery, attemptedAt: number): Promise<AttemptResult> {
    let signers;
    try {
      signers = await this.#o.keys.signers(delivery.endpoint, attemptedAt);
    } catch (error) {
      this.#o.onError(error);
      return { ok: false, statusCode: null, latencyMs: 0, errorClass: 'secret_unavailable' };
    }
    const headers = {
      ...webhookHeaders(delivery.eventId, new Date(attemptedAt), delivery.payload, signers),
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
    };
    const sent = await this.#o.send({ url: delivery.endpoint.url, headers, body: Buffer.from(delivery.payload, 'utf8') });
    const ok = sent.outcome === 'ok';
    return { ok, statusCode: sent.status ?? null, latencyMs: sent.latencyMs, errorClass: sent.outcome === 'ok' ? null : sent.outcome };
  }

  /** The alert entry first, then the endpoint disabled with its event; a log that cannot record leaves it enabled for now. */
  async #disable(delivery: ClaimedDelivery): Promise<void> {
    const { audit, queue, clock, logger } = this.#o;
    const failingSince = delivery.endpoint.failingSince;
    const event: AuditEvent = {
      org: delivery.orgId,
      actor: { type: 'system', id: null },
      action: 'webhook.endpoint_disabled',
      resource: `webhook:${delivery.endpointId}`,
      result: 'failure',
      reason: 'failing',
      sourceIp: null,
      requestId: null,
      details: { disable_after_seconds: Math.round(this.#o.disableAfterMs / 1000) },
    } as const;
    const disabled = await auditedChange(audit, event, () => queue.disable(delivery.orgId, delivery.endpointId, clock.now()));
    if (disabled) {
      logger.error(
        { alert: { kind: 'webhook_endpoint_disabled', org: delivery.orgId, endpoint: delivery.endpointId, failing_since: failingSince } },
        'security alert: a webhook endpoint failing for too long was disabled',
      );
    }
  }
}
