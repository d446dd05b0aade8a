/**
 * What a directory sign-in changes in Rampart besides the session: the linked account's profile
 * and, for a directory with a group mapping, its memberships of the mapped orgs. Implemented by
 * `adapters/sql-directory-accounts.ts`.
 */

/** The outcome of a membership write. */
export type MembershipChange = 'added' | 'changed' | 'removed' | 'unchanged' | 'last_owner';

/**
 * Guarantees: each call is one transaction; membership writes append the same outbox events as
 * tenancy's own (`member.added`, `member.role_changed`, `member.removed`) in that transaction;
 * the last owner of an org is never demoted nor removed (`last_owner`, nothing changed); an
 * email already held by another account is not taken (`email_taken`, nothing changed).
 */
export interface DirectoryAccounts {
  /** Sets the account's name and email (an email change clears its verification). */
  updateProfile(
    userId: string,
    profile: { readonly name: string | null; readonly email: string },
    now: number,
  ): Promise<'updated' | 'email_taken'>;
  /** The account's role in each of `orgIds` it belongs to. */
  rolesIn(userId: string, orgIds: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** Makes the account a member of `orgId` with `role` (adding or changing it). */
  putMembership(orgId: string, userId: string, role: string, now: number): Promise<MembershipChange>;
  /** Ends the account's membership of `orgId`. */
  removeMembership(orgId: string, userId: string, now: number): Promise<MembershipChange>;
}
