/** `GET /api/v1/me`: the caller's account, memberships and MFA status. */
import { DomainError } from '../domain/errors.js';
import type { Membership, User } from '../domain/user.js';
import type { UserStore } from '../ports/user-store.js';

export interface CurrentUserView {
  readonly user: User;
  readonly memberships: readonly Membership[];
  /** Whether the user has a confirmed second factor. */
  readonly mfaEnabled: boolean;
}

export class CurrentUser {
  readonly #users: UserStore;
  readonly #mfa: { isEnabled(userId: string): Promise<boolean> } | undefined;

  constructor(users: UserStore, mfa?: { isEnabled(userId: string): Promise<boolean> }) {
    this.#users = users;
    this.#mfa = mfa;
  }

  async describe(userId: string): Promise<CurrentUserView> {
    const user = await this.#users.findById(userId);
    // The token outlived its account (deleted between two requests): the caller is nobody now.
    if (user === undefined || user.status !== 'active')
      throw new DomainError('session_revoked', 'The account of this session is no longer active');
    const mfaEnabled = (await this.#mfa?.isEnabled(userId)) ?? false;
    return Object.freeze({ user, memberships: await this.#users.memberships(userId), mfaEnabled });
  }
}
