/**
 * What `GET /api/v1/me` answers, read in one round trip: the caller's account (never its password
 * hash), its memberships with each org's slug, and whether a second factor is confirmed.
 */
import type { Membership, User } from '../domain/user.js';

/** The fields of an account that the caller is shown. */
export type CallerAccount = Pick<User, 'id' | 'email' | 'name' | 'status' | 'createdAt' | 'emailVerifiedAt'>;

export interface CallerRecord {
  readonly user: CallerAccount;
  /** Ordered by org id. */
  readonly memberships: readonly Membership[];
  /** Whether a TOTP enrolment is confirmed. */
  readonly mfaEnabled: boolean;
}

/**
 * Guarantees: one statement, so the three parts are one consistent snapshot; `undefined` when
 * no account has that id; a failure of the backing store rejects (the caller fails closed).
 */
export interface CurrentUserReader {
  read(userId: string): Promise<CallerRecord | undefined>;
}
