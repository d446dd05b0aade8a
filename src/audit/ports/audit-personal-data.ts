/**
 * What the audit log holds on one user, for the caller's data export (GDPR Art. 15/20). Guarantees:
 * read-only; only rows of `userId`; a failure of the backing store rejects the promise.
 */
import type { AuditEntryView } from './audit-reader.js';

/** A device the new-device alert knows: its SHA-256 fingerprint (of the user id and user agent) only. */
export interface KnownDeviceRecord {
  readonly fingerprint: string;
  readonly firstSeen: number;
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

export interface AuditPersonalData {
  knownDevices(userId: string): Promise<readonly KnownDeviceRecord[]>;
  /** At most `limit` entries, newest first; entries whose payload retention dropped are left out. */
  auditEntries(userId: string, limit: number): Promise<PersonalAuditEntries>;
}
