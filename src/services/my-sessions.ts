/**
 * The caller's sessions (spec/api-v1.md, "The caller"): list the live ones, revoke one. A session
 * id of another user answers 404 exactly like an unknown one, so ids of others are not revealed.
 */
import { DomainError } from '../domain/errors.js';
import type { Session } from '../domain/session.js';
import type { Clock } from '../ports/clock.js';
import type { SessionStore } from '../ports/session-store.js';
import type { SessionRevoker } from './session-revoker.js';

export class MySessions {
  readonly #sessions: SessionStore;
  readonly #revoker: SessionRevoker;
  readonly #clock: Clock;

  constructor(sessions: SessionStore, revoker: SessionRevoker, clock: Clock) {
    this.#sessions = sessions;
    this.#revoker = revoker;
    this.#clock = clock;
  }

  list(userId: string): Promise<readonly Session[]> {
    return this.#sessions.listLive(userId, this.#clock.now());
  }

  async revoke(userId: string, sessionId: string): Promise<void> {
    const session = await this.#sessions.find(sessionId);
    if (session === undefined || session.userId !== userId || session.revokedAt !== null) {
      throw new DomainError('not_found', 'No such session');
    }
    await this.#revoker.revoke(sessionId, 'logout');
  }
}
