/**
 * Tells every instance that a credential was revoked, so each can refuse it from memory without
 * a database read per request. The revocation itself is written to the store first; the bus only
 * spreads the news. Without Redis it is in-process; with Redis it is pub/sub over a durable
 * revocation sequence in the database, with a heartbeat that proves the subscription delivers
 * (docs/decisions/014-revocation-bus-liveness.md).
 */

/**
 * What was revoked: a session (its access tokens), an API key or a service client; or `authz`, an
 * org whose memberships or roles changed (`id` is the org id): cached decisions about it are dropped;
 * or `user`, a user whose account changed (`id` is the user id): cached copies of the row are dropped.
 */
export type RevocationKind = 'session' | 'api_key' | 'client' | 'authz' | 'user';

export interface RevocationEvent {
  readonly kind: RevocationKind;
  /** `ses_…`, `key_…` or the client id. */
  readonly id: string;
  /** When it was revoked (ms since the epoch): the receiver keeps it at least a token lifetime. */
  readonly revokedAt: number;
  /**
   * Its position in the durable revocation sequence (RevocationSequence), on delivery by a bus
   * that keeps one; ignored on publish.
   */
  readonly seq?: number;
}

/** Receives revocations. Handlers run on the delivering instance and must be quick and idempotent. */
export interface RevocationListener {
  /** One revocation. May arrive more than once, and in any order relative to others. */
  onRevoked(event: RevocationEvent): void;
  /**
   * Some events may have been lost (a dropped Redis connection, now back): reload the revoked ids
   * from the store. An adapter that cannot lose events never calls it.
   */
  onResync(): void;
}

export interface RevocationSubscription {
  /** Stops delivery to this listener. Idempotent. */
  unsubscribe(): Promise<void>;
}

/**
 * Guarantees:
 * - Delivered to every subscribed listener of every instance, the publisher's own included.
 * - At least once: a listener may see an event twice; if an adapter can lose an event (a
 *   connection drop), it calls `onResync` once it can deliver again, so nothing is missed.
 * - Order is not guaranteed, between instances or between events.
 * - Only events published after `subscribe` resolved are delivered; hence at start an instance
 *   subscribes first, then seeds its revocation set from the store.
 * - `publish` resolves once the event is handed to the transport (in-process: delivered; Redis:
 *   appended to the durable sequence, from which every instance reads it within the bus's bound
 *   even when the pub/sub message is lost), and rejects when it cannot be (the database does not
 *   answer) or after `close`; the caller fails closed and reports it.
 * - `live`, when an adapter can lose messages silently: whether it currently knows that it
 *   delivers (readiness reports it).
 * - A listener that throws does not stop delivery to the others.
 */
export interface RevocationBus {
  /** Absent: the adapter cannot lose a message (in-process). */
  readonly live?: boolean;
  publish(event: RevocationEvent): Promise<void>;
  subscribe(listener: RevocationListener): Promise<RevocationSubscription>;
  /** Stops delivery and releases the transport; `publish` and `subscribe` reject afterwards. */
  close(): Promise<void>;
}
