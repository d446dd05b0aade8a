/**
 * The {@link RevocationBus} shared by every instance through Redis pub/sub. Publishing uses the
 * instance's ordinary connection; receiving needs a connection of its own, because a connection in
 * subscriber mode can run no other command (Redis `SUBSCRIBE`: "the client cannot issue commands
 * other than (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PING …").
 *
 * Pub/sub is at-most-once: a message published while the subscriber is disconnected is lost. So
 * each time the subscription becomes live (the first time, and after every reconnection) listeners
 * get `onResync` and reload the revoked ids from the store; the port's "nothing is missed" promise
 * rests on that. `subscribe` does not wait for Redis, so a start with Redis down does not hang.
 */
import type { Redis } from 'ioredis';
import { RevocationListeners } from '../memory/revocation-listeners.js';
import type {
  RevocationBus,
  RevocationEvent,
  RevocationKind,
  RevocationListener,
  RevocationSubscription,
} from '../../ports/revocation-bus.js';

export const REVOCATION_CHANNEL = 'rampart:revocations';
const KINDS: ReadonlySet<string> = new Set<RevocationKind>(['session', 'api_key', 'client', 'authz']);

function parse(message: string): RevocationEvent | undefined {
  try {
    const value = JSON.parse(message) as Partial<RevocationEvent>;
    if (typeof value.kind !== 'string' || !KINDS.has(value.kind)) return undefined;
    if (typeof value.id !== 'string' || value.id.length === 0 || value.id.length > 200) return undefined;
    if (typeof value.revokedAt !== 'number' || !Number.isFinite(value.revokedAt)) return undefined;
    return Object.freeze({ kind: value.kind, id: value.id, revokedAt: value.revokedAt });
  } catch {
    return undefined;
  }
}

export interface RedisRevocationBusOptions {
  /** The channel; one per deployment sharing a Redis. */
  readonly channel?: string;
  /** Called with a listener's error (a listener failure never stops delivery to the others). */
  readonly onError?: (error: unknown) => void;
}

export class RedisRevocationBus implements RevocationBus {
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #channel: string;
  readonly #onError: (error: unknown) => void;
  readonly #listeners = new RevocationListeners();
  #closed = false;

  /** `subscriber` must be a dedicated connection; the bus owns it and closes it in {@link close}. */
  constructor(publisher: Redis, subscriber: Redis, options: RedisRevocationBusOptions = {}) {
    this.#publisher = publisher;
    this.#subscriber = subscriber;
    this.#channel = options.channel ?? REVOCATION_CHANNEL;
    this.#onError = options.onError ?? (() => undefined);
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.#channel) return;
      const event = parse(message);
      if (event !== undefined) this.#deliver((listener) => listener.onRevoked(event));
    });
    subscriber.on('ready', () => this.#onReady());
    if (subscriber.status === 'ready') this.#onReady();
  }

  #deliver(call: (listener: RevocationListener) => void): void {
    for (const error of this.#listeners.deliver(call)) this.#onError(error);
  }

  /**
   * On every `ready` (the first connection and each reconnection): (re)subscribe, then tell the
   * listeners to resync, because anything published while we were not subscribed is lost.
   */
  #onReady(): void {
    if (this.#closed) return;
    this.#subscriber.subscribe(this.#channel).then(
      () => this.#deliver((listener) => listener.onResync()),
      (error: unknown) => this.#onError(error),
    );
  }

  async publish(event: RevocationEvent): Promise<void> {
    if (this.#closed) throw new Error('the revocation bus is closed');
    if (!KINDS.has(event.kind) || typeof event.id !== 'string' || event.id.length === 0 || !Number.isFinite(event.revokedAt)) {
      throw new TypeError('a revocation needs a kind, a non-empty id and a finite revokedAt');
    }
    await this.#publisher.publish(this.#channel, JSON.stringify({ kind: event.kind, id: event.id, revokedAt: event.revokedAt }));
  }

  subscribe(listener: RevocationListener): Promise<RevocationSubscription> {
    if (this.#closed) return Promise.reject(new Error('the revocation bus is closed'));
    // Not waiting for Redis: a start with Redis down must not hang. The listener gets `onResync`
    // once the subscription is live, which covers whatever was published before.
    return Promise.resolve(this.#listeners.add(listener));
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    this.#subscriber.disconnect();
    return Promise.resolve();
  }
}
