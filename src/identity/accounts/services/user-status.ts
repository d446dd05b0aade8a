/**
 * Disabling and enabling accounts. Disabling revokes every session of the user at once, on every
 * instance (store, then the revocation bus): their access tokens stop working within a second and
 * their refresh tokens are refused.
 */
import { DomainError } from '../../../kernel/domain/errors.js';
import type { UserStatus } from '../domain/user.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { UserStore } from '../ports/user-store.js';
import type { SessionRevoker } from '../../sessions/services/session-revoker.js';

export class UserStatusService {
  readonly #users: UserStore;
  readonly #revoker: SessionRevoker;
  readonly #clock: Clock;

  constructor(users: UserStore, revoker: SessionRevoker, clock: Clock) {
    this.#users = users;
    this.#revoker = revoker;
    this.#clock = clock;
  }

  /** Sets the status; disabling revokes the user's sessions. `not_found` for an unknown user. */
  async setStatus(userId: string, status: UserStatus): Promise<void> {
    if (!(await this.#users.setStatus(userId, status, this.#clock.now()))) throw new DomainError('not_found', 'No such user');
    if (status === 'disabled') await this.#revoker.revokeAllOfUser(userId, 'user_disabled');
  }
}
