/**
 * The hand-over of stored inbound events to the application (library mode):
 * `hooks.on(source, handler)` registers a handler for a source — a platform source's name, an org
 * source's `src_…` id, an org source's name (every org's source of that name), or `*`. The bus
 * claims due inbox rows of the sources that have handlers (a lease, so several instances share the
 * inbox), calls every matching handler, and marks the row processed when all succeed; when one
 * throws, the row is due again after a backoff (1 s doubling to 5 min) and every handler is called
 * again — at least once to each handler, while acceptance stays exactly once. Rows of a source
 * with no handler wait in the inbox until one is registered.
 */
import type { Clock } from '../../../kernel/ports/clock.js';
import { retryDelayMs, type InboundEvent, type InboundHandler } from '../domain/inbound-event.js';
import type { ClaimedInbox, InboundStore } from '../ports/inbound-store.js';
import { parse as secureJsonParse } from 'secure-json-parse';

export interface InboundBusOptions {
  readonly store: InboundStore;
  readonly clock: Clock;
  readonly leaseMs: number;
  readonly batch: number;
  /** Logs a failed pump (the store unreachable); a handler's failure is a retry, not an error. */
  readonly onError: (error: unknown) => void;
}

function payloadOf(body: Buffer): unknown {
  try {
    return secureJsonParse(body.toString('utf8'), null, { protoAction: 'remove', constructorAction: 'remove' });
  } catch {
    return undefined;
  }
}

export class InboundBus {
  readonly #o: InboundBusOptions;
  readonly #handlers = new Map<string, Set<InboundHandler>>();
  #running: Promise<number> | undefined;
  #again = false;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: InboundBusOptions) {
    this.#o = options;
  }

  /** Registers `handler` for `source`; the returned function unregisters it. */
  on(source: string, handler: InboundHandler): () => void {
    const set = this.#handlers.get(source) ?? new Set<InboundHandler>();
    set.add(handler);
    this.#handlers.set(source, set);
    this.notify();
    return () => {
      set.delete(handler);
      if (set.size === 0 && this.#handlers.get(source) === set) this.#handlers.delete(source);
    };
  }

  /** Something became due: pump soon (coalesced). */
  notify(): void {
    if (this.#closed || this.#handlers.size === 0) return;
    if (this.#running !== undefined) {
      this.#again = true;
      return;
    }
    setImmediate(() => void this.pump().catch(this.#o.onError));
  }

  /** Hands over every due row of the registered sources; resolves with how many were handled. */
  pump(): Promise<number> {
    // A pump already running may have claimed before the newest rows: wait for it, then run again.
    if (this.#running !== undefined) return this.#running.catch(() => 0).then(() => this.pump());
    const run = this.#drain().finally(() => {
      this.#running = undefined;
      if (this.#again && !this.#closed) {
        this.#again = false;
        this.notify();
      }
    });
    this.#running = run;
    return run;
  }

  /** Pumps every `intervalMs` (retries fall due, other instances' rows, a crash's leftovers). */
  start(intervalMs: number): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => void this.pump().catch(this.#o.onError), intervalMs);
    this.#timer.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }

  async #drain(): Promise<number> {
    let handled = 0;
    for (;;) {
      if (this.#closed || this.#handlers.size === 0) return handled;
      const sources = [...this.#handlers.keys()];
      const filter = sources.includes('*') ? '*' : { keys: sources, names: sources };
      const claimed = await this.#o.store.claim(filter, this.#o.clock.now(), this.#o.leaseMs, this.#o.batch);
      for (const row of claimed) await this.#handOver(row);
      handled += claimed.length;
      if (claimed.length < this.#o.batch) return handled;
    }
  }

  #matching(row: ClaimedInbox): InboundHandler[] {
    const keys = new Set([row.sourceKey, row.sourceName, '*']);
    return [...keys].flatMap((key) => [...(this.#handlers.get(key) ?? [])]);
  }

  async #handOver(row: ClaimedInbox): Promise<void> {
    const event: InboundEvent = Object.freeze({
      id: row.id,
      source: row.sourceName,
      sourceKey: row.sourceKey,
      orgId: row.orgId,
      eventId: row.eventId,
      type: row.eventType,
      body: row.body,
      payload: payloadOf(row.body),
      receivedAt: row.receivedAt,
      attempt: row.attempt,
    });
    const handlers = this.#matching(row);
    if (handlers.length === 0) {
      // Its handler went away after the claim: back to the inbox for the next one registered.
      await this.#o.store.retryLater(row.id, this.#o.clock.now(), 'no_handler');
      return;
    }
    try {
      for (const handler of handlers) await handler(event);
    } catch (error) {
      const name = error instanceof Error ? error.name : 'error';
      await this.#o.store.retryLater(row.id, this.#o.clock.now() + retryDelayMs(row.attempt), `handler_failed:${name}`);
      return;
    }
    await this.#o.store.markProcessed(row.id, this.#o.clock.now());
  }
}
