/**
 * The rows identity holds on one user that no other port reads whole, for the caller's data
 * export (GDPR Art. 15/20). Only metadata: never a password hash, token hash, TOTP secret or
 * recovery-code hash. Guarantees: read-only; only rows of `userId`; a failure of the backing
 * store rejects the promise.
 */
import type { Session } from '../sessions/domain/session.js';

/** A set-password token's life (the token itself is stored as a hash and never read back). */
export interface PasswordTokenRecord {
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly usedAt: number | null;
}

/** A login that waited (or waits) for its second factor. */
export interface MfaChallengeRecord {
  readonly deviceName: string | null;
  readonly attempts: number;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly consumedAt: number | null;
}

/** The user's TOTP enrolment and recovery codes, as counts and times. */
export interface MfaRecord {
  readonly totp: { readonly createdAt: number; readonly confirmedAt: number | null } | null;
  readonly recoveryCodes: { readonly total: number; readonly unused: number };
}

export interface IdentityPersonalData {
  /** Every session row, revoked and expired ones included (each holds an IP and a user agent). */
  sessions(userId: string): Promise<readonly Session[]>;
  passwordTokens(userId: string): Promise<readonly PasswordTokenRecord[]>;
  mfa(userId: string): Promise<MfaRecord>;
  mfaChallenges(userId: string): Promise<readonly MfaChallengeRecord[]>;
}
