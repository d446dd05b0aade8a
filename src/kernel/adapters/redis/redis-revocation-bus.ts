/**
 * The {@link RevocationBus} shared by every instance through Redis pub/sub, made trustworthy by
 * two things pub/sub lacks (docs/decisions/014-revocation-bus-liveness.md):
 *
 * 1. **A durable record.** `publish` appends the revocation to the {@link RevocationSequence} in
 *    the database first, then publishes it. Each instance keeps a cursor in that sequence and
 *    reads what lies after it: every {@link CATCH_UP_MS} while its subscription is not live,
 *    once on every (re)subscription, and every {@link SWEEP_MS} while live (which catches a
 *    revocation recorded by an instance whose own publish to Redis failed). So a message lost by
 *    pub/sub — published while a subscriber was away, or never published — still arrives.
 * 2. **Proof of life.** Each instance publishes a heartbeat on the channel every
 *    {@link HEARTBEAT_MS} and listens for its own. One not heard for {@link STALE_AFTER_MS} means
 *    the subscription no longer delivers (a half-open connection looks subscribed to ioredis):
 *    the bus is then not live — `/readyz` fails, the change is reported once each way — and the
 *    cursor catches up from the database until the heartbeat is heard again.
 *
 * The resulting bound: a revocation is in effect on every instance within about
 * STALE_AFTER_MS + CATCH_UP_MS (2.2 s) of being recorded, whatever happens to the subscriber; in
 * the normal case within a pub/sub round trip. Delivery stays at least once: an event may arrive
 * by pub/sub and again from the sequence; listeners are idempotent.
 *
 * Receiving needs a connection of its own (a connection in subscriber mode runs no other command).
 * `subscribe` does not wait for Redis, so a start with Redis down does not hang; listeners also
 * get `onResync` each time the subscription comes (back) up, as before.
 */
import type { Redis } from 'ioredis';
import { randomUuid } from '../../crypto/random.js';
import { RevocationListeners } from '../memory/revocation-listeners.js';
import type {
  RevocationBus,
  RevocationEvent,
  RevocationKind,
  RevocationListener,
  RevocationSubscription,
} from '../../ports/revocation-bus.js';
import type { RevocationSequence, SequencedRevocation } from '../../ports/revocation-sequence.js';
import { BusLiveness, type LivenessChange } from './bus-liveness.js';

export const REVOCATION_CHANNEL = 'rampart:revocations';
/** How often each instance proves the channel alive. */
export const HEARTBEAT_MS = 1000;
/** A subscription whose own heartbeat is older than this is not trusted. */
export const STALE_AFTER_MS = 2000;
/** How often a bus that is not live reads the sequence. */
export const CATCH_UP_MS = 200;
/** How often a live bus reads the sequence anyway. */
export const SWEEP_MS = 2000;
/** Records kept in the sequence (far longer than any access token lives). */
export const SEQUENCE_RETAIN_MS = 60 * 60 * 1000;
const TICK_MS = 100;
/** A tick later than this after the previous one follows a blocked event loop. */
const STALL_MS = 5 * TICK_MS;
const PURGE_EVERY_MS = 5 * 60 * 1000;
const PAGE = 500;
const DELIVERED_MAX = 10_000;

const KINDS: ReadonlySet<string> = new Set<RevocationKind>(['session', 'api_key', 'client', 'authz', 'user']);

type Message = { type: 'revocation'; event: RevocationEvent } | { type: 'heartbeat'; instance: string };

function parse(message: string): Message | undefined {
  try {
    const value = JSON.parse(message) as Partial<RevocationEvent> & { hb?: unknown; seq?: unknown };
    if (typeof value.hb === 'string') return { type: 'heartbeat', instance: value.hb };
    if (typeof value.kind !== 'string' || !KINDS.has(value.kind)) return undefined;
    if (typeof value.id !== 'string' || value.id.length === 0 || value.id.length > 200) return undefined;
    if (typeof value.revokedAt !== 'number' || !Number.isFinite(value.revokedAt)) return undefined;
    const seq = typeof value.seq === 'number' && Number.isSafeInteger(value.seq) && value.seq > 0 ? { seq: value.seq } : {};
    return { type: 'revocation', event: Object.freeze({ kind: value.kind, id: value.id, revokedAt: value.revokedAt, ...seq }) };
  } catch {
    return undefined;
  }
}

function keyOf(event: RevocationEvent): string {
  return `${event.seq ?? 0}|${event.kind}|${event.id}|${event.revokedAt}`;
}

/** What the bus reports, for logs and metrics. */
export interface RevocationBusEvents {
  /** A listener failed, a heartbeat could not be sent, a read of the sequence failed. */
  readonly onError?: (error: unknown, what: string) => void;
  /** The subscription stopped or started being live (once each way). */
  readonly onLiveness?: (change: LivenessChange) => void;
  /** Revocations read from the sequence that pub/sub had not delivered. */
  readonly onReplayed?: (count: number) => void;
}

export interface RedisRevocationBusOptions extends RevocationBusEvents {
  /** The durable record; appended before each publish, read to catch up. */
  readonly sequence: RevocationSequence;
  /** The channel; one per deployment sharing a Redis. */
  readonly channel?: string;
  /** Wall-clock ms for the record's `recorded_at` (the kernel's clock). */
  readonly now?: () => number;
  /** Monotonic ms for the liveness bound (tests pass their own). */
  readonly monotonic?: () => number;
  /** Overrides of the timings, for tests; each a positive integer of ms. */
  readonly timings?: Partial<{ heartbeatMs: number; staleAfterMs: number; catchUpMs: number; sweepMs: number }>;
}

export class RedisRevocationBus implements RevocationBus {
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #sequence: RevocationSequence;
  readonly #channel: string;
  readonly #options: RedisRevocationBusOptions;
  readonly #now: () => number;
  readonly #monotonic: () => number;
  readonly #timings: { heartbeatMs: number; staleAfterMs: number; catchUpMs: number; sweepMs: number };
  readonly #listeners = new RevocationListeners();
  readonly #instance = randomUuid();
  readonly #liveness: BusLiveness;
  /** Every position up to the cursor has been read from the sequence and delivered. */
  #cursor = 0;
  #started = false;
  /** Events delivered by pub/sub and not yet passed by the cursor (key → position): not delivered twice. */
  readonly #delivered = new Map<string, number>();
  #reading: Promise<void> | undefined;
  #lastRead = 0;
  #readFailing = false;
  #lastHeartbeat = Number.NEGATIVE_INFINITY;
  #lastPurge = 0;
  #lastTick = Number.NEGATIVE_INFINITY;
  #judgeFrom = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  /** `subscriber` must be a dedicated connection; the bus owns it and closes it in {@link close}. */
  constructor(publisher: Redis, subscriber: Redis, options: RedisRevocationBusOptions) {
    this.#publisher = publisher;
    this.#subscriber = subscriber;
    this.#sequence = options.sequence;
    this.#channel = options.channel ?? REVOCATION_CHANNEL;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#monotonic = options.monotonic ?? (() => performance.now());
    this.#timings = {
      heartbeatMs: options.timings?.heartbeatMs ?? HEARTBEAT_MS,
      staleAfterMs: options.timings?.staleAfterMs ?? STALE_AFTER_MS,
      catchUpMs: options.timings?.catchUpMs ?? CATCH_UP_MS,
      sweepMs: options.timings?.sweepMs ?? SWEEP_MS,
    };
    for (const [name, value] of Object.entries(this.#timings)) {
      if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer of ms`);
    }
    this.#liveness = new BusLiveness(this.#timings.staleAfterMs, this.#monotonic());
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.#channel) this.#receive(message);
    });
    subscriber.on('ready', () => this.#onReady());
    // A visible drop: not live at once, without waiting for the heartbeat bound.
    for (const event of ['close', 'end', 'reconnecting'] as const) subscriber.on(event, () => this.#liveness.disconnected());
  }

  /**
   * Places the cursor at the sequence's head and starts the heartbeat. Revocations recorded
   * before now are the listeners' own seed load (they subscribe, then load from their stores).
   */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#cursor = await this.#sequence.head();
    this.#started = true;
    this.#timer = setInterval(() => this.tick(), TICK_MS);
    this.#timer.unref();
    if (this.#subscriber.status === 'ready') this.#onReady();
  }

  /** Whether the subscription is known to deliver (its own heartbeat came back in time). */
  get live(): boolean {
    return this.#liveness.live;
  }

  /** The last position of the sequence this instance has read and delivered. */
  get cursor(): number {
    return this.#cursor;
  }

  #report(error: unknown, what: string): void {
    this.#options.onError?.(error, what);
  }

  #deliver(call: (listener: RevocationListener) => void): void {
    for (const error of this.#listeners.deliver(call)) this.#report(error, 'revocation listener failed');
  }

  #receive(raw: string): void {
    const message = parse(raw);
    if (message === undefined) return;
    if (message.type === 'heartbeat') {
      if (message.instance === this.#instance) this.#liveness.heard(this.#monotonic());
      return;
    }
    const { event } = message;
    // Remembered only when ahead of the cursor: the sequence read will then skip it.
    if (event.seq !== undefined && event.seq > this.#cursor) {
      this.#delivered.set(keyOf(event), event.seq);
      // Bounded: a message of another deployment on the same channel never meets the cursor.
      if (this.#delivered.size > DELIVERED_MAX) this.#delivered.delete(this.#delivered.keys().next().value ?? '');
    }
    this.#deliver((listener) => listener.onRevoked(event));
  }

  /** On every `ready` (the first connection and each reconnection): subscribe, then catch up. */
  #onReady(): void {
    if (this.#closed || !this.#started) return;
    this.#subscriber.subscribe(this.#channel).then(
      () => {
        this.#liveness.subscribed(this.#monotonic());
        this.#sendHeartbeat();
        this.#deliver((listener) => listener.onResync());
        void this.#read();
      },
      (error: unknown) => this.#report(error, 'revocation subscription failed'),
    );
  }

  /** One step of the bus's clock: heartbeat, liveness, catch-up, purge. Runs every 100 ms. */
  tick(): void {
    if (this.#closed || !this.#started) return;
    const now = this.#monotonic();
    // A tick that comes late means the event loop was blocked (a long synchronous step): the
    // heartbeat may be waiting unread in the socket. Liveness is judged again once a heartbeat
    // sent now has had its interval to come back, not on a delay of our own making.
    if (now - this.#lastTick > STALL_MS) {
      this.#judgeFrom = now + this.#timings.heartbeatMs;
      this.#sendHeartbeat();
    }
    this.#lastTick = now;
    if (now - this.#lastHeartbeat >= this.#timings.heartbeatMs) this.#sendHeartbeat();
    const change = now < this.#judgeFrom ? undefined : this.#liveness.evaluate(now);
    if (change !== undefined) {
      this.#options.onLiveness?.(change);
      // Back: read what was missed at once, rather than at the next sweep.
      if (change.live) void this.#read();
    }
    const every = this.#liveness.live ? this.#timings.sweepMs : this.#timings.catchUpMs;
    if (now - this.#lastRead >= every) void this.#read();
    if (now - this.#lastPurge >= PURGE_EVERY_MS) {
      this.#lastPurge = now;
      this.#sequence.purge(this.#now() - SEQUENCE_RETAIN_MS).catch((error: unknown) => this.#report(error, 'revocation purge failed'));
    }
  }

  #sendHeartbeat(): void {
    this.#lastHeartbeat = this.#monotonic();
    if (this.#publisher.status !== 'ready') return;
    this.#publisher
      .publish(this.#channel, JSON.stringify({ hb: this.#instance }))
      .catch((error: unknown) => this.#report(error, 'revocation heartbeat failed'));
  }

  /** Reads and delivers every revocation after the cursor; one read at a time. */
  #read(): Promise<void> {
    this.#reading ??= this.#readAll().finally(() => {
      this.#reading = undefined;
    });
    return this.#reading;
  }

  async #readAll(): Promise<void> {
    this.#lastRead = this.#monotonic();
    try {
      let replayed = 0;
      for (let first = true; ; first = false) {
        const page = await this.#sequence.after(this.#cursor, PAGE);
        // A gap after the cursor: positions may have been purged before this instance read them
        // (away longer than the retention), so its listeners reload everything instead.
        const next = page[0]?.seq;
        if (first && next !== undefined && next > this.#cursor + 1 && (await this.#sequence.oldest()) > this.#cursor + 1) {
          this.#deliver((listener) => listener.onResync());
        }
        for (const revocation of page) replayed += this.#replay(revocation);
        if (page.length < PAGE) break;
      }
      for (const [key, seq] of this.#delivered) if (seq <= this.#cursor) this.#delivered.delete(key);
      if (replayed > 0) this.#options.onReplayed?.(replayed);
      this.#readFailing = false;
    } catch (error) {
      // Once per streak: a database outage is not reported again every 200 ms.
      if (!this.#readFailing) this.#report(error, 'reading the revocation sequence failed');
      this.#readFailing = true;
    }
  }

  /** Delivers one revocation read from the sequence unless pub/sub delivered it; returns 1 if it did. */
  #replay(revocation: SequencedRevocation): number {
    this.#cursor = Math.max(this.#cursor, revocation.seq);
    const event: RevocationEvent = Object.freeze({
      kind: revocation.kind,
      id: revocation.id,
      revokedAt: revocation.revokedAt,
      seq: revocation.seq,
    });
    if (this.#delivered.delete(keyOf(event))) return 0;
    this.#deliver((listener) => listener.onRevoked(event));
    return 1;
  }

  async publish(event: RevocationEvent): Promise<void> {
    if (this.#closed) throw new Error('the revocation bus is closed');
    if (!KINDS.has(event.kind) || typeof event.id !== 'string' || event.id.length === 0 || !Number.isFinite(event.revokedAt)) {
      throw new TypeError('a revocation needs a kind, a non-empty id and a finite revokedAt');
    }
    // The record first: once appended, every instance reads it within the bound, even if the
    // publish below never reaches Redis.
    const seq = await this.#sequence.append(event, this.#now());
    try {
      await this.#publisher.publish(this.#channel, JSON.stringify({ kind: event.kind, id: event.id, revokedAt: event.revokedAt, seq }));
    } catch (error) {
      // Recorded: the sweep of every instance brings it within SWEEP_MS. Reported, not thrown,
      // so a caller does not answer "failed" for a revocation that is in effect.
      this.#report(error, 'revocation publish failed; instances read it from the sequence');
    }
  }

  subscribe(listener: RevocationListener): Promise<RevocationSubscription> {
    if (this.#closed) return Promise.reject(new Error('the revocation bus is closed'));
    // Not waiting for Redis: a start with Redis down must not hang. The listener gets `onResync`
    // once the subscription is live, which covers whatever was published before.
    return Promise.resolve(this.#listeners.add(listener));
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#listeners.clear();
    this.#subscriber.disconnect();
    await this.#reading;
  }
}
