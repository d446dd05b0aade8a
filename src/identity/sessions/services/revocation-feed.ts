/**
 * The revocation feed for applications (GET /api/v1/revocations/stream; test/fixtures/spec-api-v1.md,
 * "Added in v1.1", "For applications"; docs/decisions/034-app-middleware-and-revocation-feed.md).
 * What it guarantees to a watcher:
 * 1. every revocation is read from the durable revocation sequence (kernel/ports/revocation-sequence.ts),
 *    in position order, and sent with its position as the SSE `id`: a watcher that reconnects with
 *    `Last-Event-ID` gets exactly what it missed, from any instance;
 * 2. a position older than the sequence keeps (purged, or from another deployment) gets one
 *    `resync` event: the watcher drops what it cached, and continues from the head;
 * 3. tenant scoping: a watcher of org X sees a session's revocation when the session's user is a
 *    member of X, and X's `authz` changes; a watcher of the built-in `system` org (a platform
 *    client) sees every one. A session that can no longer be read (its account was erased) is
 *    sent to every watcher: an opaque id is all it reveals, and no application may keep honouring it;
 * 4. a bulk revocation (the kill switch) is a `resync` with its time: tokens issued before it are to be refused;
 * 5. the bus wakes every stream at once (same instance: synchronously; others: within the bus's
 *    bound), and each heartbeat reads the sequence as well, so nothing waits on a lost message.
 */
import type { RevocationBus, RevocationSubscription } from '../../../kernel/ports/revocation-bus.js';
import type { RevocationSequence, SequencedRevocation } from '../../../kernel/ports/revocation-sequence.js';
import type { SessionStore } from '../ports/session-store.js';
import type { UserStore } from '../../accounts/ports/user-store.js';
import { EVERY_SESSION } from './revocation-watcher.js';

/** Revocations read per page. */
const PAGE = 500;
/** Attributions (session → its user's orgs) kept for streams that read the same positions. */
const ATTRIBUTION_CACHE = 5000;

/** Who watches: a service client confined to `orgId`; `platform` when that org is `system`. */
export interface Watcher {
  readonly orgId: string;
  readonly platform: boolean;
}

/** One SSE event as the stream writes it. */
export interface FeedEvent {
  readonly id: number;
  readonly event: 'ready' | 'revocation' | 'authz' | 'resync';
  readonly data: Readonly<Record<string, unknown>>;
}

/** Where a stream's events go; `heartbeat` writes a comment line. */
export interface FeedSink {
  send(event: FeedEvent): void;
  heartbeat(): void;
  end(): void;
}

export interface RevocationFeedOptions {
  readonly bus: RevocationBus;
  readonly sequence: RevocationSequence;
  readonly sessions: Pick<SessionStore, 'find'>;
  readonly users: Pick<UserStore, 'memberships'>;
  /** Between comment lines on an idle stream (ms). */
  readonly heartbeatMs: number;
  readonly onError: (error: unknown) => void;
}

/** The orgs whose watchers see a session's revocation; `undefined` means every watcher. */
type Audience = readonly string[] | undefined;

class Stream {
  cursor: number;
  #pumping: Promise<void> | undefined;
  #again = false;
  readonly #timer: NodeJS.Timeout;
  closed = false;

  constructor(
    readonly feed: RevocationFeed,
    readonly watcher: Watcher,
    readonly sink: FeedSink,
    cursor: number,
  ) {
    this.cursor = cursor;
    this.#timer = setInterval(() => {
      this.sink.heartbeat();
      this.wake();
    }, feed.heartbeatMs);
    this.#timer.unref();
  }

  /** Reads what lies after the cursor; one read at a time, again if woken meanwhile. */
  wake(): void {
    if (this.closed) return;
    if (this.#pumping !== undefined) {
      this.#again = true;
      return;
    }
    this.#pumping = this.#pump().finally(() => {
      this.#pumping = undefined;
      if (this.#again) {
        this.#again = false;
        this.wake();
      }
    });
  }

  async #pump(): Promise<void> {
    try {
      for (;;) {
        const page = await this.feed.read(this.cursor);
        for (const revocation of page) {
          if (this.closed) return;
          const event = await this.feed.render(revocation, this.watcher);
          this.cursor = revocation.seq;
          if (event !== undefined) this.sink.send(event);
        }
        if (page.length < PAGE) return;
      }
    } catch (error) {
      this.feed.report(error);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.#timer);
    this.sink.end();
  }
}

export class RevocationFeed {
  readonly #o: RevocationFeedOptions;
  readonly #streams = new Set<Stream>();
  readonly #attributions = new Map<string, Audience>();
  #subscription: RevocationSubscription | undefined;
  #closed = false;

  constructor(options: RevocationFeedOptions) {
    if (!Number.isSafeInteger(options.heartbeatMs) || options.heartbeatMs < 100) throw new RangeError('heartbeatMs must be ≥ 100');
    this.#o = options;
  }

  get heartbeatMs(): number {
    return this.#o.heartbeatMs;
  }

  /** Streams open on this instance. */
  get size(): number {
    return this.#streams.size;
  }

  /** Listens to the bus: every revocation (or a resync) wakes every stream. */
  async start(): Promise<void> {
    this.#subscription = await this.#o.bus.subscribe({
      onRevoked: () => this.#wakeAll(),
      onResync: () => this.#wakeAll(),
    });
  }

  #wakeAll(): void {
    for (const stream of this.#streams) stream.wake();
  }

  /**
   * Opens a stream for `watcher`. With `lastEventId` it resumes after that position (or sends a
   * `resync` when the sequence no longer holds what follows it); without, it starts at the head.
   * Returns the function that closes it (idempotent).
   */
  async open(watcher: Watcher, sink: FeedSink, lastEventId: number | undefined): Promise<() => void> {
    if (this.#closed) throw new Error('the revocation feed is closed');
    const head = await this.#o.sequence.head();
    let cursor = head;
    if (lastEventId !== undefined && lastEventId <= head) {
      const oldest = await this.#o.sequence.oldest();
      // Positions after `lastEventId` that the sequence no longer holds: the watcher cannot catch up.
      if (oldest > lastEventId + 1) sink.send({ id: head, event: 'resync', data: { reason: 'position_expired', at: null } });
      else cursor = lastEventId;
    } else if (lastEventId !== undefined) {
      // A position ahead of the head is not ours (another deployment, or a restored database).
      sink.send({ id: head, event: 'resync', data: { reason: 'position_unknown', at: null } });
    }
    const stream = new Stream(this, watcher, sink, cursor);
    this.#streams.add(stream);
    // The position the stream starts from: the client knows it is live, and where it stands.
    sink.send({ id: cursor, event: 'ready', data: { position: cursor } });
    stream.wake();
    return () => {
      this.#streams.delete(stream);
      stream.close();
    };
  }

  /** @internal The revocations after `cursor`. */
  read(cursor: number): Promise<SequencedRevocation[]> {
    return this.#o.sequence.after(cursor, PAGE);
  }

  /** @internal */
  report(error: unknown): void {
    this.#o.onError(error);
  }

  /** @internal The event `watcher` gets for `revocation`, or `undefined` when it is not theirs to see. */
  async render(revocation: SequencedRevocation, watcher: Watcher): Promise<FeedEvent | undefined> {
    const at = new Date(revocation.revokedAt).toISOString();
    if (revocation.kind === 'authz') {
      if (!watcher.platform && revocation.id !== watcher.orgId) return undefined;
      return { id: revocation.seq, event: 'authz', data: { org: revocation.id, at } };
    }
    if (revocation.kind !== 'session') return undefined;
    if (revocation.id === EVERY_SESSION) return { id: revocation.seq, event: 'resync', data: { reason: 'bulk_revocation', at } };
    const audience = await this.#audience(revocation.id);
    if (!watcher.platform && audience !== undefined && !audience.includes(watcher.orgId)) return undefined;
    return { id: revocation.seq, event: 'revocation', data: { sid: revocation.id, at } };
  }

  /** The org ids of the session's user (read once per session for every stream). */
  async #audience(sessionId: string): Promise<Audience> {
    if (this.#attributions.has(sessionId)) return this.#attributions.get(sessionId);
    const session = await this.#o.sessions.find(sessionId);
    const audience = session === undefined ? undefined : (await this.#o.users.memberships(session.userId)).map((m) => m.orgId);
    if (this.#attributions.size >= ATTRIBUTION_CACHE) this.#attributions.delete(this.#attributions.keys().next().value ?? '');
    this.#attributions.set(sessionId, audience);
    return audience;
  }

  /** Ends every stream (the server is shutting down) and stops listening. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const stream of this.#streams) stream.close();
    this.#streams.clear();
    await this.#subscription?.unsubscribe();
  }
}
