/**
 * Finds an integrated entry of the log by what it is about, for a capability that must hand its
 * caller the proof of an entry it just recorded (issue 16: an artifact signature's bundle carries
 * its entry's index, leaf, inclusion proof and covering checkpoint).
 *
 * Guarantees: only integrated entries are found (they have an index and a leaf in the tree), in
 * index order; the leaf is the exact text the tree hashed.
 */
export interface LocatedAuditEntry {
  readonly index: number;
  readonly org: string;
  /** Recorded at (ms). */
  readonly timestamp: number;
  /** The leaf text (RFC 8785 canonical JSON, `audit/crypto/audit-leaf.ts`); its hash is the tree's leaf. */
  readonly leaf: string;
}

export interface AuditEntryLocator {
  /** Up to `limit` successful entries of `action` about `resource` (of `org`, when given), once integrated, lowest index first. */
  locate(
    resource: string,
    action: string,
    options?: { readonly org?: string; readonly limit?: number },
  ): Promise<readonly LocatedAuditEntry[]>;
  /** Integrates what this instance queued now when it can (SQLite always; PostgreSQL when it leads), so a locate soon finds it. */
  integrate(): Promise<void>;
}
