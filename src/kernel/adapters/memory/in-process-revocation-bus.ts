/**
 * The {@link RevocationBus} of a single instance (no Redis): delivery is a synchronous call to
 * each listener inside `publish`, so a revocation is in effect before `publish` resolves. It
 * never loses an event, so it never calls `onResync`. It is also the reference the Redis
 * adapter's contract tests follow.
 *
 * Given a {@link RevocationSequence} (the server does), `publish` appends the revocation to it
 * first and delivers it with its position (`seq`), as the Redis bus does: the revocation feed for
 * applications (GET /api/v1/revocations/stream) resumes from those positions, with or without
 * Redis. A failed append rejects `publish` and delivers nothing (the caller fails closed). The
 * sequence is purged of records older than {@link SEQUENCE_RETAIN_MS} at most every five minutes.
 */
import { RevocationListeners } from './revocation-listeners.js';
import type {
  RevocationBus,
  RevocationEvent,
  RevocationKind,
  RevocationListener,
  RevocationSubscription,
} from '../../ports/revocation-bus.js';
import type { RevocationSequence } from '../../ports/revocation-sequence.js';

/** Records kept in the sequence (as the Redis bus keeps them: far longer than any access token lives). */
export const SEQUENCE_RETAIN_MS = 60 * 60 * 1000;
const PURGE_EVERY_MS = 5 * 60 * 1000;

/** The durable record a single-instance bus keeps, for the revocation feed. */
export interface InProcessRevocationBusOptions {
  readonly sequence: RevocationSequence;
  /** Wall-clock ms (the kernel's clock). */
  readonly now: () => number;
  /** Where a failed purge is reported. */
  readonly onError?: (error: unknown) => void;
}

const KINDS: ReadonlySet<RevocationKind> = new Set(['session', 'api_key', 'client', 'authz', 'user']);

function checked(event: RevocationEvent): RevocationEvent {
  if (!KINDS.has(event.kind)) throw new TypeError('revocation kind must be session, api_key, client or authz');
  if (typeof event.id !== 'string' || event.id.length === 0) throw new TypeError('revocation id must be a non-empty string');
  if (!Number.isFinite(event.revokedAt)) throw new TypeError('revokedAt must be a finite number of ms');
  return Object.freeze({ kind: event.kind, id: event.id, revokedAt: event.revokedAt });
}

export class InProcessRevocationBus implements RevocationBus {
  readonly #listeners = new RevocationListeners();
  readonly #durable: InProcessRevocationBusOptions | undefined;
  #lastPurge = 0;
  #closed = false;

  constructor(durable?: InProcessRevocationBusOptions) {
    this.#durable = durable;
  }

  publish(event: RevocationEvent): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('the revocation bus is closed'));
    let frozen: RevocationEvent;
    try {
      frozen = checked(event);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#durable === undefined) return this.#deliver(frozen);
    return this.#appendThenDeliver(frozen, this.#durable);
  }

  /** The record first, then delivery with its position. */
  async #appendThenDeliver(event: RevocationEvent, durable: InProcessRevocationBusOptions): Promise<void> {
    const now = durable.now();
    const seq = await durable.sequence.append(event, now);
    if (now - this.#lastPurge >= PURGE_EVERY_MS) {
      this.#lastPurge = now;
      durable.sequence.purge(now - SEQUENCE_RETAIN_MS).catch((error: unknown) => durable.onError?.(error));
    }
    if (this.#closed) return;
    await this.#deliver(Object.freeze({ ...event, seq }));
  }

  #deliver(frozen: RevocationEvent): Promise<void> {
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
