/**
 * This instance's view of revoked service clients and revoked client access tokens, so that a
 * client token is checked with Map lookups and no database read: seeded from the store at start
 * and kept current by the {@link RevocationBus}. Both travel as kind `client`: the id is the
 * client id (`cli_…`, every token of the client) or a token's `jti` (one token, RFC 7009) — the two
 * never collide, a `jti` being 128 random bits in base64url. Start order follows the bus's
 * contract: subscribe, then load. A resync reloads from the store.
 */
import { MIN_REVOCATION_RETAIN_MS, RevocationSet } from '../../identity/index.js';
import type { ClientStore } from '../ports/client-store.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { RevocationBus, RevocationEvent, RevocationListener, RevocationSubscription } from '../../kernel/ports/revocation-bus.js';

const RETAIN_MS = MIN_REVOCATION_RETAIN_MS + 60_000;
const PURGE_INTERVAL_MS = 60_000;

export class ClientRevocations implements RevocationListener {
  readonly #store: Pick<ClientStore, 'revokedSince'>;
  readonly #bus: RevocationBus;
  readonly #clock: Clock;
  readonly #onError: (error: unknown) => void;
  readonly #set = new RevocationSet([], { retainMs: RETAIN_MS });
  #subscription: RevocationSubscription | undefined;
  #purge: NodeJS.Timeout | undefined;

  constructor(store: Pick<ClientStore, 'revokedSince'>, bus: RevocationBus, clock: Clock, onError: (error: unknown) => void) {
    this.#store = store;
    this.#bus = bus;
    this.#clock = clock;
    this.#onError = onError;
  }

  async start(): Promise<void> {
    this.#subscription = await this.#bus.subscribe(this);
    await this.reload();
    this.#purge = setInterval(() => this.#set.purgeExpired(this.#clock.now()), PURGE_INTERVAL_MS);
    this.#purge.unref();
  }

  async reload(): Promise<void> {
    for (const revoked of await this.#store.revokedSince(this.#clock.now() - RETAIN_MS)) this.#set.revoke(revoked.id, revoked.revokedAt);
  }

  /** Whether a token of `clientId` with `jti` must be refused. */
  isRevoked(clientId: string, jti: string): boolean {
    return this.#set.isRevoked(clientId) || this.#set.isRevoked(jti);
  }

  revokeLocally(id: string, revokedAt: number): void {
    this.#set.revoke(id, revokedAt);
  }

  onRevoked(event: RevocationEvent): void {
    if (event.kind === 'client') this.#set.revoke(event.id, event.revokedAt);
  }

  onResync(): void {
    this.reload().catch(this.#onError);
  }

  async close(): Promise<void> {
    clearInterval(this.#purge);
    await this.#subscription?.unsubscribe();
  }
}
