/**
 * This instance's view of API keys that stopped: revoked ones (at once) and rotated ones (at the
 * end of their grace period), kept current by the {@link RevocationBus} (kind `api_key`, whose
 * `revokedAt` is when the key stops — in the future for a rotation with grace). The API-key
 * authenticator reads the key from the store on a cache miss, so this map only has to outlive its
 * cache entries: an id is forgotten {@link RETAIN_AFTER_STOP_MS} after its key stopped. A resync
 * (events may have been lost) bumps `generation`, which empties the authenticator's cache.
 *
 * An `api_key` event whose id is a user id (`usr_…`, published when all of a user's sessions are
 * revoked: the user was disabled or erased) drops every key of that owner cached before it, so
 * that the next use reads the key and its owner's status from the store again.
 */
import type { Clock } from '../../kernel/ports/clock.js';
import type { RevocationBus, RevocationEvent, RevocationListener, RevocationSubscription } from '../../kernel/ports/revocation-bus.js';

/** Far longer than any cache entry lives. */
const RETAIN_AFTER_STOP_MS = 10 * 60_000;
const PURGE_INTERVAL_MS = 60_000;
const OWNER_PREFIX = 'usr_';

export class ApiKeyRevocations implements RevocationListener {
  readonly #bus: RevocationBus;
  readonly #clock: Clock;
  /** key id → when it stops (ms). */
  readonly #stops = new Map<string, number>();
  /** owner user id → when its keys were last invalidated (ms). */
  readonly #owners = new Map<string, number>();
  #generation = 0;
  #subscription: RevocationSubscription | undefined;
  #purge: NodeJS.Timeout | undefined;

  constructor(bus: RevocationBus, clock: Clock) {
    this.#bus = bus;
    this.#clock = clock;
  }

  async start(): Promise<void> {
    this.#subscription = await this.#bus.subscribe(this);
    this.#purge = setInterval(() => this.#purgeStale(), PURGE_INTERVAL_MS);
    this.#purge.unref();
  }

  /** Bumped whenever cached keys can no longer be trusted (a resync). */
  get generation(): number {
    return this.#generation;
  }

  /** Whether the key `id` has stopped at `now` according to the revocations heard of. */
  hasStopped(id: string, now: number): boolean {
    const stop = this.#stops.get(id);
    return stop !== undefined && stop <= now;
  }

  /** Records a stop made by this instance, before the bus echoes it back. */
  revokeLocally(id: string, stopsAt: number): void {
    const known = this.#stops.get(id);
    // The earliest stop wins: a revocation during a rotation's grace period ends it at once.
    if (known === undefined || stopsAt < known) this.#stops.set(id, stopsAt);
  }

  /** Whether keys of `ownerId` cached at `cachedAt` must be read again. */
  ownerChangedSince(ownerId: string, cachedAt: number): boolean {
    const changed = this.#owners.get(ownerId);
    return changed !== undefined && changed >= cachedAt;
  }

  onRevoked(event: RevocationEvent): void {
    if (event.kind !== 'api_key') return;
    if (event.id.startsWith(OWNER_PREFIX)) {
      const known = this.#owners.get(event.id);
      if (known === undefined || event.revokedAt > known) this.#owners.set(event.id, event.revokedAt);
    } else {
      this.revokeLocally(event.id, event.revokedAt);
    }
  }

  onResync(): void {
    this.#generation++;
  }

  #purgeStale(): void {
    const now = this.#clock.now();
    for (const [id, stop] of this.#stops) if (stop + RETAIN_AFTER_STOP_MS < now) this.#stops.delete(id);
    for (const [id, changed] of this.#owners) if (changed + RETAIN_AFTER_STOP_MS < now) this.#owners.delete(id);
  }

  async close(): Promise<void> {
    clearInterval(this.#purge);
    await this.#subscription?.unsubscribe();
  }
}
