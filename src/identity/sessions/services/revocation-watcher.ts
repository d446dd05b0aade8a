/**
 * This instance's view of revoked sessions: a {@link RevocationSet} seeded from the store at start
 * and kept current by the {@link RevocationBus}, so a bearer request is checked with one Map
 * lookup and no database read. Start order follows the bus's contract: subscribe first, then
 * load, so no revocation falls between the two. A resync (Redis came back) reloads from the store.
 *
 * A bulk revocation (the kill switch, V7.4.5) is one event, `session` {@link EVERY_SESSION}, not
 * one per session: every instance that receives it reloads the revoked ids from the store (one
 * query), so an org's or the deployment's sessions end everywhere within the bus's bound.
 */
import { MIN_REVOCATION_RETAIN_MS, RevocationSet } from '../domain/revocation-set.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { RevocationBus, RevocationEvent, RevocationListener, RevocationSubscription } from '../../../kernel/ports/revocation-bus.js';
import type { SessionStore } from '../ports/session-store.js';

/**
 * The id of a `session` revocation that stands for "many sessions were revoked in the store":
 * receivers reload. It is no session id (those are `ses_…`), so other listeners match nothing.
 */
export const EVERY_SESSION = 'ses_*';

/** The set keeps ids this long; the reload looks back as far (plus a margin for clock skew). */
const RETAIN_MS = MIN_REVOCATION_RETAIN_MS + 60_000;
const PURGE_INTERVAL_MS = 60_000;

export interface RevocationWatcherOptions {
  readonly sessions: SessionStore;
  readonly bus: RevocationBus;
  readonly clock: Clock;
  /** A reload that failed (the store is down): reported; the next resync or restart retries. */
  readonly onError: (error: unknown) => void;
}

export class RevocationWatcher implements RevocationListener {
  readonly #options: RevocationWatcherOptions;
  readonly #set = new RevocationSet([], { retainMs: RETAIN_MS });
  #subscription: RevocationSubscription | undefined;
  #purge: NodeJS.Timeout | undefined;

  constructor(options: RevocationWatcherOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    this.#subscription = await this.#options.bus.subscribe(this);
    await this.reload();
    this.#purge = setInterval(() => this.#set.purgeExpired(this.#options.clock.now()), PURGE_INTERVAL_MS);
    this.#purge.unref();
  }

  /** Loads every session revoked within the retention window from the store. */
  async reload(): Promise<void> {
    const since = this.#options.clock.now() - RETAIN_MS;
    for (const revoked of await this.#options.sessions.revokedSince(since)) this.#set.revoke(revoked.sessionId, revoked.revokedAt);
  }

  /** Whether access tokens of `sessionId` must be refused. */
  isRevoked(sessionId: string): boolean {
    return this.#set.isRevoked(sessionId);
  }

  /** Records a revocation made by this instance, before the bus echoes it back. */
  revokeLocally(sessionId: string, revokedAt: number): void {
    this.#set.revoke(sessionId, revokedAt);
  }

  onRevoked(event: RevocationEvent): void {
    if (event.kind !== 'session') return;
    if (event.id === EVERY_SESSION) this.reload().catch(this.#options.onError);
    else this.#set.revoke(event.id, event.revokedAt);
  }

  onResync(): void {
    this.reload().catch(this.#options.onError);
  }

  async close(): Promise<void> {
    clearInterval(this.#purge);
    await this.#subscription?.unsubscribe();
  }
}
