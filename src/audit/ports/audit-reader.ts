/**
 * Reading the audit log as people see it (test/fixtures/spec-api-v1.md, "Audit"): entries in the spec's Entry
 * shape, personal fields disclosed while their subject's key exists and `[erased]` after.
 */

/** The spec's Entry (`audit/crypto/audit-leaf.ts` `auditEntryView`), or a dropped payload's stub. */
export type AuditEntryView = Readonly<Record<string, unknown>>;

export interface AuditListFilter {
  /** The `org` values the entries may have: the org's id, and `system` for the built-in system org. */
  readonly orgs: readonly string[];
  /** Entries below this index (the previous page's last); newest first. */
  readonly before?: number;
  readonly limit: number;
  readonly action?: string;
  /** Actor id (a sealed one matches its subject's entries while not erased). */
  readonly actor?: string;
  readonly result?: 'success' | 'failure';
  /** Epoch ms, inclusive. */
  readonly since?: number;
  /** Epoch ms, exclusive. */
  readonly until?: number;
}

export interface AuditListPage {
  readonly entries: readonly AuditEntryView[];
  /** The index the next page starts below, or null at the end. */
  readonly next: number | null;
}

export interface AuditReader {
  /** One org's entries, newest first, filtered; payload-dropped entries are left out. */
  list(filter: AuditListFilter): Promise<AuditListPage>;
  /** Up to `limit` entries from index `from` on, oldest first, dropped payloads as stubs. */
  from(from: number, limit: number): Promise<readonly AuditEntryView[]>;
}

/** Retention and erasure, the log's two ways of forgetting that keep it verifiable. */
export interface AuditForgetting {
  /** Drops the payloads of entries recorded before `before` (epoch ms); returns how many. */
  expire(before: number): Promise<number>;
}
