/**
 * A verified inbound event as the application's handlers receive it (`hooks.on(source, handler)`),
 * and the rule of its retries: delivery to the handlers is at least once (a handler that throws is
 * called again, with backoff, until it succeeds); acceptance is exactly once (a replayed event id
 * never makes a second inbox row).
 */

export interface InboundEvent {
  /** The inbox row (`hin_…`). */
  readonly id: string;
  /** The source's name (`stripe`, an org source's name). */
  readonly source: string;
  /** The source's key: an org source's `src_…` id, or a platform source's name. */
  readonly sourceKey: string;
  /** The org of an org source; `null` for a platform source. */
  readonly orgId: string | null;
  /** The sender's event id (`webhook-id`, Stripe's `evt_…`): unique per source. */
  readonly eventId: string;
  /** The event's `type` when the body is a JSON object carrying one. */
  readonly type: string | undefined;
  /** The body exactly as received and verified. */
  readonly body: Buffer;
  /** The body parsed as JSON (prototype keys removed), or `undefined` when it is not JSON. */
  readonly payload: unknown;
  readonly receivedAt: number;
  /** 1 on the first call of the handlers, then 2, 3… */
  readonly attempt: number;
}

/** A handler of inbound events; a rejection means "try again later". */
export type InboundHandler = (event: InboundEvent) => Promise<void>;

/** The delay before retry `attempt` (1-based) of a failed hand-over: 1 s doubling to at most 5 min. */
export function retryDelayMs(attempt: number): number {
  return Math.min(1_000 * 2 ** Math.max(0, attempt - 1), 300_000);
}
