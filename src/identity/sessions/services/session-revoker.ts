/**
 * Revoking sessions: written to the store first (the truth every instance reloads from), applied
 * to this instance's set at once, then published so every other instance refuses the session's
 * access tokens too. A publish that fails rejects: the caller fails closed (the session is already
 * revoked in the store, and other instances pick it up at their next resync or start).
 */
import type { SessionRevokeReason } from '../domain/session.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { RevocationBus } from '../../../kernel/ports/revocation-bus.js';
import type { SessionStore } from '../ports/session-store.js';
import type { RevocationWatcher } from './revocation-watcher.js';

export class SessionRevoker {
  readonly #sessions: SessionStore;
  readonly #bus: RevocationBus;
  readonly #watcher: Pick<RevocationWatcher, 'revokeLocally'>;
  readonly #clock: Clock;

  constructor(sessions: SessionStore, bus: RevocationBus, watcher: Pick<RevocationWatcher, 'revokeLocally'>, clock: Clock) {
    this.#sessions = sessions;
    this.#bus = bus;
    this.#watcher = watcher;
    this.#clock = clock;
  }

  /** Revokes one session; `true` when this call revoked it (it was live). */
  async revoke(sessionId: string, reason: SessionRevokeReason): Promise<boolean> {
    const now = this.#clock.now();
    const changed = await this.#sessions.revoke(sessionId, now, reason);
    this.#watcher.revokeLocally(sessionId, now);
    await this.#bus.publish({ kind: 'session', id: sessionId, revokedAt: now });
    return changed;
  }

  /** Revokes every live session of a user; returns their ids. */
  async revokeAllOfUser(userId: string, reason: SessionRevokeReason): Promise<readonly string[]> {
    const now = this.#clock.now();
    const ids = await this.#sessions.revokeAllOfUser(userId, now, reason);
    for (const id of ids) this.#watcher.revokeLocally(id, now);
    await Promise.all(ids.map((id) => this.#bus.publish({ kind: 'session', id, revokedAt: now })));
    // Every instance drops the user's API keys from its key cache and reads them (and the user's
    // status) again: a disabled or erased owner's keys stop with the sessions (credentials/compose.ts).
    await this.#bus.publish({ kind: 'api_key', id: userId, revokedAt: now });
    return ids;
  }
}
