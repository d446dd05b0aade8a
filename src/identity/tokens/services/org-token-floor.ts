/**
 * Ends active-org access tokens when their org's memberships or roles change (issue 22 item 4;
 * docs/decisions/034-app-middleware-and-revocation-feed.md). Every such change publishes one
 * `authz` event for the org on the revocation bus; on it, every instance raises the org's floor
 * to the end of the second the change happened in, and a token carrying that `org` whose `iat`
 * is not past the floor is refused — its `scope` may no longer be the member's (401
 * `token_expired`: the client refreshes and gets the scope it has now). The event does not say
 * which member changed, so every token of the org ends; a refresh is cheap and changes are rare.
 *
 * A token of the org issued in the second of a change would be refused too, so the token service
 * waits for the next second before it signs one ({@link OrgTokenFloor.waitPast}: at most a second,
 * and only right after a change).
 *
 * A floor is kept one token lifetime (after that every token it could refuse has expired). An
 * instance that starts after a change does not know its floor: it needs none for its own
 * decisions, which intersect the token's `scope` with the member's live role on every request.
 */
import { MIN_REVOCATION_RETAIN_MS } from '../../sessions/domain/revocation-set.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { RevocationBus, RevocationEvent, RevocationSubscription } from '../../../kernel/ports/revocation-bus.js';

/** Floors kept at most; past it the oldest is dropped (the live role still bounds the token). */
const MAX_FLOORS = 100_000;

export class OrgTokenFloor {
  readonly #bus: RevocationBus;
  readonly #clock: Clock;
  /** org id → the last second (NumericDate) whose tokens are refused. */
  readonly #floors = new Map<string, { second: number; at: number }>();
  #subscription: RevocationSubscription | undefined;

  constructor(bus: RevocationBus, clock: Clock) {
    this.#bus = bus;
    this.#clock = clock;
  }

  async start(): Promise<void> {
    this.#subscription = await this.#bus.subscribe({
      onRevoked: (event) => this.#onRevoked(event),
      onResync: () => undefined,
    });
  }

  #onRevoked(event: RevocationEvent): void {
    if (event.kind !== 'authz') return;
    this.raise(event.id, event.revokedAt);
  }

  /** Refuses tokens of `orgId` issued up to the second of `at` (ms). Idempotent; never lowers a floor. */
  raise(orgId: string, at: number): void {
    const second = Math.floor(at / 1000);
    const known = this.#floors.get(orgId);
    if (known !== undefined && known.second >= second) return;
    this.#floors.delete(orgId);
    if (this.#floors.size >= MAX_FLOORS) this.#floors.delete(this.#floors.keys().next().value ?? '');
    this.#floors.set(orgId, { second, at });
  }

  /** Whether a token of `orgId` issued at `iat` (seconds) predates a change of the org's memberships. */
  isStale(orgId: string, iat: number): boolean {
    const floor = this.#floors.get(orgId);
    if (floor === undefined) return false;
    if (floor.at + MIN_REVOCATION_RETAIN_MS < this.#clock.now()) {
      this.#floors.delete(orgId);
      return false;
    }
    return iat <= floor.second;
  }

  /** Resolves once a token of `orgId` signed now would not be stale (waits at most about a second). */
  async waitPast(orgId: string): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = this.#clock.now();
      if (!this.isStale(orgId, Math.floor(now / 1000))) return;
      await new Promise((resolve) => setTimeout(resolve, 1000 - (now % 1000) + 5));
    }
  }

  async close(): Promise<void> {
    await this.#subscription?.unsubscribe();
  }
}
