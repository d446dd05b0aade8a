/**
 * Accounts whose password must be changed before they may do anything else (V6.4.1; migration
 * 0029): the bootstrap admin, whose password was generated or given in the environment. The mark
 * is set with the account and cleared by any password change (`AccountStore.setPassword`).
 */

/**
 * Guarantees: `requiredSince` reads the stored mark (no cache); a failure of the backing store
 * rejects the promise (the caller fails closed: the request is refused).
 */
export interface PasswordChangeRequirements {
  /** When the mark was set (ms), or `undefined` when the user need not change their password. */
  requiredSince(userId: string): Promise<number | undefined>;
}
