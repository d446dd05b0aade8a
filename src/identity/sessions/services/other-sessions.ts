/**
 * Ends every live session of a user but the one they act from (V7.4.3): after a second factor is
 * enrolled or removed, a session opened before the change — perhaps by whoever forced the change —
 * must not outlive it. Each is revoked through the {@link SessionRevoker} (store, this instance,
 * the bus), so its tokens and cookie are refused on every instance at once.
 */
import type { SessionRevokeReason } from '../domain/session.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { SessionStore } from '../ports/session-store.js';
import type { SessionRevoker } from './session-revoker.js';

export class OtherSessions {
  readonly #sessions: Pick<SessionStore, 'listLive'>;
  readonly #revoker: Pick<SessionRevoker, 'revoke'>;
  readonly #clock: Clock;

  constructor(sessions: Pick<SessionStore, 'listLive'>, revoker: Pick<SessionRevoker, 'revoke'>, clock: Clock) {
    this.#sessions = sessions;
    this.#revoker = revoker;
    this.#clock = clock;
  }

  /** Revokes every live session of `userId` except `keep`; returns how many this call ended. */
  async end(userId: string, keep: string | undefined, reason: SessionRevokeReason): Promise<number> {
    let ended = 0;
    for (const session of await this.#sessions.listLive(userId, this.#clock.now())) {
      if (session.id !== keep && (await this.#revoker.revoke(session.id, reason))) ended++;
    }
    return ended;
  }
}
