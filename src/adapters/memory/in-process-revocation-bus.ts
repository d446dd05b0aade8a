/**
 * The {@link RevocationBus} of a single instance (no Redis): delivery is a synchronous call to
 * each listener inside `publish`, so a revocation is in effect before `publish` resolves. It
 * never loses an event, so it never calls `onResync`. It is also the reference the Redis
 * adapter's contract tests follow.
 */
import type {
  RevocationBus,
  RevocationEvent,
  RevocationKind,
  RevocationListener,
  RevocationSubscription,
} from '../../ports/revocation-bus.js';

const KINDS: ReadonlySet<RevocationKind> = new Set(['session', 'api_key', 'client', 'authz']);

function checked(event: RevocationEvent): RevocationEvent {
  if (!KINDS.has(event.kind)) throw new TypeError('revocation kind must be session, api_key, client or authz');
  if (typeof event.id !== 'string' || event.id.length === 0) throw new TypeError('revocation id must be a non-empty string');
  if (!Number.isFinite(event.revokedAt)) throw new TypeError('revokedAt must be a finite number of ms');
  return Object.freeze({ kind: event.kind, id: event.id, revokedAt: event.revokedAt });
}

export class InProcessRevocationBus implements RevocationBus {
  readonly #listeners = new Set<RevocationListener>();
  #closed = false;

  publish(event: RevocationEvent): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('the revocation bus is closed'));
    let frozen: RevocationEvent;
    try {
      frozen = checked(event);
    } catch (error) {
      return Promise.reject(error);
    }
    const failures: unknown[] = [];
    // A snapshot: a listener that subscribes or unsubscribes during delivery does not change it.
    for (const listener of [...this.#listeners]) {
      try {
        listener.onRevoked(frozen);
      } catch (error) {
        failures.push(error);
      }
    }
    // Every listener has had the event; a failing one is reported, not hidden.
    if (failures.length > 0) return Promise.reject(new AggregateError(failures, 'a revocation listener failed'));
    return Promise.resolve();
  }

  subscribe(listener: RevocationListener): Promise<RevocationSubscription> {
    if (this.#closed) return Promise.reject(new Error('the revocation bus is closed'));
    // One entry per subscription, even for the same listener object subscribed twice.
    const entry: RevocationListener = { onRevoked: (e) => listener.onRevoked(e), onResync: () => listener.onResync() };
    this.#listeners.add(entry);
    return Promise.resolve({
      unsubscribe: () => {
        this.#listeners.delete(entry);
        return Promise.resolve();
      },
    });
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    return Promise.resolve();
  }
}
