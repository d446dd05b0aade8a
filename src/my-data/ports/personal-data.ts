/**
 * The rows held on one user that no other port reads whole, for the caller's data export
 * (test/fixtures/spec-api-v1.md, "The caller": `GET /api/v1/me/export`, GDPR Art. 15/20). Only metadata: never a
 * password hash, token hash, key hash, TOTP secret or recovery-code hash.
 */
import type { Session } from '../../identity/index.js';
import type { AuditEntryView } from '../../audit/index.js';

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

/** A device the new-device alert knows: its SHA-256 fingerprint (of the user id and user agent) only. */
export interface KnownDeviceRecord {
  readonly fingerprint: string;
  readonly firstSeen: number;
}

export interface PersonalRecords {
  /** Every session row, revoked and expired ones included (each holds an IP and a user agent). */
  readonly sessions: readonly Session[];
  readonly passwordTokens: readonly PasswordTokenRecord[];
  readonly mfa: MfaRecord;
  readonly mfaChallenges: readonly MfaChallengeRecord[];
  readonly knownDevices: readonly KnownDeviceRecord[];
}

/** The audit entries of a user, newest first. */
export interface PersonalAuditEntries {
  /**
   * Entries whose subject is the user (personal fields disclosed: they are the user's own), and
   * entries in which the user acted on another subject: those show their public part only, the
   * other subject's sealed fields named in `withheld` (GDPR Art. 15(4): the rights of others).
   */
  readonly entries: readonly AuditEntryView[];
  /** More entries exist than the `limit` asked for. */
  readonly truncated: boolean;
}

/**
 * Guarantees: read-only; every method reads only rows of `userId`; a failure of the backing store
 * rejects the promise.
 */
export interface PersonalData {
  records(userId: string): Promise<PersonalRecords>;
  /** At most `limit` entries, newest first; entries whose payload retention dropped are left out. */
  auditEntries(userId: string, limit: number): Promise<PersonalAuditEntries>;
}
