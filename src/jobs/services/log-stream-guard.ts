/**
 * Keeps every open log stream authorized while it streams (issue 14, item 6): one subscription to
 * the revocation bus for all of this instance's streams.
 *
 * - a `session` revocation of the stream's session, or an `api_key`/`client` revocation of its
 *   credential, ends the stream at once;
 * - an `authz` event of the stream's org (a member removed, a role changed, on any instance)
 *   re-asks the authorizer whether the principal still holds `jobs.read` there — after the
 *   authorizer itself has dropped its cached view of the org (the check runs on the next turn of
 *   the event loop, once every listener of the event has run);
 * - a resync (events may have been lost) and a timer every {@link RECHECK_MS} re-check every stream.
 * A check that fails (the authorizer cannot answer) ends the stream: fail closed.
 */
import type { Principal } from '../../kernel/domain/principal.js';
import type { RevocationBus, RevocationEvent, RevocationSubscription } from '../../kernel/ports/revocation-bus.js';

const RECHECK_MS = 5000;

export interface LogStreamGuardOptions {
  readonly bus: RevocationBus;
  /** Whether `principal` holds `permission` in the org now. */
  readonly allowed: (principal: Principal, orgId: string, permission: string) => Promise<boolean>;
  /** Whether the session has been revoked. */
  readonly sessionRevoked: (sessionId: string) => boolean;
  readonly onError: (error: unknown) => void;
}

interface Watched {
  readonly principal: Principal;
  readonly orgId: string;
  readonly lost: () => void;
}

export class LogStreamGuard {
  readonly #o: LogStreamGuardOptions;
  readonly #streams = new Set<Watched>();
  #subscription: RevocationSubscription | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: LogStreamGuardOptions) {
    this.#o = options;
  }

  async start(): Promise<void> {
    this.#subscription = await this.#o.bus.subscribe({
      onRevoked: (event) => this.#onRevoked(event),
      onResync: () => this.#recheckAll(),
    });
    this.#timer = setInterval(() => this.#recheckAll(), RECHECK_MS);
    this.#timer.unref();
  }

  /** Whether `principal` may read the org's job output now (checked on every subscribe). */
  async mayRead(principal: Principal, orgId: string): Promise<boolean> {
    if (principal.sessionId !== undefined && this.#o.sessionRevoked(principal.sessionId)) return false;
    return this.#o.allowed(principal, orgId, 'jobs.read');
  }

  /** Watches a stream; `lost` is called once when its access goes. Returns the way to stop watching. */
  watch(principal: Principal, orgId: string, lost: () => void): () => void {
    let called = false;
    const watched: Watched = {
      principal,
      orgId,
      lost: () => {
        if (called) return;
        called = true;
        this.#streams.delete(watched);
        lost();
      },
    };
    this.#streams.add(watched);
    return () => this.#streams.delete(watched);
  }

  #onRevoked(event: RevocationEvent): void {
    for (const stream of [...this.#streams]) {
      const { principal } = stream;
      if (event.kind === 'session' && principal.sessionId === event.id) stream.lost();
      else if ((event.kind === 'api_key' || event.kind === 'client') && principal.id === event.id) stream.lost();
      else if (event.kind === 'authz' && event.id === stream.orgId) setImmediate(() => this.#recheck(stream));
    }
  }

  #recheckAll(): void {
    for (const stream of [...this.#streams]) this.#recheck(stream);
  }

  #recheck(stream: Watched): void {
    this.mayRead(stream.principal, stream.orgId).then(
      (allowed) => {
        if (!allowed) stream.lost();
      },
      (error: unknown) => {
        this.#o.onError(error);
        stream.lost();
      },
    );
  }

  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    for (const stream of [...this.#streams]) stream.lost();
    await this.#subscription?.unsubscribe();
  }
}
