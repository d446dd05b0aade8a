/**
 * Platform user management's view of the accounts: listing, renaming, password changes and
 * erasure. Apart from `UserStore` (which login reads on every attempt) so each consumer names only
 * what it needs.
 */
import type { User } from '../domain/user.js';

/** A page request: users after `afterId` in id order, optionally one email only. */
export interface UserPageQuery {
  readonly afterId: string | undefined;
  readonly limit: number;
  readonly email: string | undefined;
}

/**
 * Guarantees:
 * - `list` is ordered by id (ids are random and immutable: a stable keyset order), never skipping
 *   nor repeating a user that exists through the whole walk;
 * - `erase` is atomic: the user's sessions become tombstones (their revocation time kept, or `now`)
 *   and the user, memberships, sessions, refresh and set-password tokens are deleted, all or none;
 * - a failure of the backing store rejects the promise.
 */
export interface AccountStore {
  list(query: UserPageQuery): Promise<readonly User[]>;
  /** Resolves `true` when the user exists. */
  rename(id: string, name: string | null, now: number): Promise<boolean>;
  /** Replaces the password hash and sets `password_changed_at`; `true` when the user exists. */
  setPassword(id: string, passwordHash: string, now: number): Promise<boolean>;
  /** Erases the user (see the guarantees); `true` when this call erased it. */
  erase(id: string, now: number): Promise<boolean>;
}
