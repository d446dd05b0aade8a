/**
 * The {@link RevocationBus} of a single instance (no Redis): delivery is a synchronous call to
 * each listener inside `publish`, so a revocation is in effect before `publish` resolves. It
 * never loses an event, so it never calls `onResync`. It is also the reference the Redis
 * adapter's contract tests follow.
 */
import { RevocationListeners } from './revocation-listeners.js';
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
  readonly #listeners = new RevocationListeners();
  #closed = false;

  publish(event: RevocationEvent): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('the revocation bus is closed'));
    let frozen: RevocationEvent;
    try {
      frozen = checked(event);
    } catch (error) {
      return Promise.reject(error);
    }
    const failures = this.#listeners.deliver((listener) => listener.onRevoked(frozen));
    // Every listener has had the event; a failing one is reported, not hidden.
    if (failures.length > 0) return Promise.reject(new AggregateError(failures, 'a revocation listener failed'));
    return Promise.resolve();
  }

  subscribe(listener: RevocationListener): Promise<RevocationSubscription> {
    if (this.#closed) return Promise.reject(new Error('the revocation bus is closed'));
    return Promise.resolve(this.#listeners.add(listener));
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    return Promise.resolve();
  }
}
