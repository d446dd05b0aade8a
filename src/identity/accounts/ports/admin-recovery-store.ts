/**
 * What `rampart admin recover` writes: a platform admin created or reset in one step. Apart from
 * `UserStore` because only the recovery, run on the machine by whoever holds the data directory
 * and the master key, may make an account an owner of the `system` org without an actor above it.
 */

/** One recovery: the account by email (lower-cased), its new password hash or none (a set-password link follows). */
export interface RecoveryWrite {
  readonly email: string;
  /** The id the account gets when it does not exist yet. */
  readonly newId: string;
  /** argon2id of the one-time password; `null` removes the password (a set-password token is issued instead). */
  readonly passwordHash: string | null;
  readonly now: number;
}

/** What the recovery did. */
export interface RecoveredAccount {
  readonly id: string;
  /** The `system` org's id. */
  readonly orgId: string;
  /** The account did not exist and was created. */
  readonly created: boolean;
  /** The account was not an owner of `system` before. */
  readonly promoted: boolean;
}

/**
 * Guarantees:
 * - `recover` is atomic: the account (created or re-enabled, its login backoff cleared, its
 *   password replaced and marked to be changed at first login — or removed) and its `owner`
 *   membership of the `system` org are written all or none;
 * - a failure of the backing store rejects the promise.
 */
export interface AdminRecoveryStore {
  /** The email of the longest-standing owner of the `system` org, if any. */
  firstOwnerEmail(): Promise<string | undefined>;
  recover(write: RecoveryWrite): Promise<RecoveredAccount>;
}
