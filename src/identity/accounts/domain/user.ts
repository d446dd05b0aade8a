/**
 * Platform users and their memberships, as data, and the per-account login backoff rule. Pure:
 * no I/O, no clock (times are passed in).
 */

export type UserStatus = 'active' | 'disabled';

/** A user account. `passwordHash` is never serialised to a client. */
export interface User {
  /** `usr_…` */
  readonly id: string;
  /** Lower-cased. */
  readonly email: string;
  readonly name: string | null;
  readonly passwordHash: string | null;
  readonly status: UserStatus;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly passwordChangedAt: number | null;
  /** Consecutive failed logins since the last success. */
  readonly failedLogins: number;
  /** Login attempts are refused until then; `null` when no backoff runs. */
  readonly nextLoginAt: number | null;
  /** When the account proved it receives mail at `email` (migration 0024); `null`: not verified. */
  readonly emailVerifiedAt: number | null;
}

export interface Org {
  /** `org_…` */
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly createdAt: number;
}

/** A user's role in an org, with the org's slug for display. */
export interface Membership {
  readonly orgId: string;
  readonly orgSlug: string;
  readonly role: string;
}

export { SYSTEM_ORG_SLUG } from '../../../kernel/domain/system-org.js';

/** Failures allowed before the backoff starts. */
export const BACKOFF_FREE_FAILURES = 5;
/** The longest backoff: never a permanent lockout an attacker could trigger. */
export const MAX_LOGIN_BACKOFF_MS = 15 * 60 * 1000;

/**
 * How long logins to an account wait after its `failures`-th consecutive failure:
 * none for the first {@link BACKOFF_FREE_FAILURES}, then 1 s, 2 s, 4 s … capped at 15 min.
 */
export function loginBackoffMs(failures: number): number {
  if (!Number.isSafeInteger(failures) || failures < BACKOFF_FREE_FAILURES) return 0;
  const exponent = Math.min(failures - BACKOFF_FREE_FAILURES, 20);
  return Math.min(2 ** exponent * 1000, MAX_LOGIN_BACKOFF_MS);
}

/** Emails compare case-insensitively: stored and looked up lower-cased. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
