/**
 * The read and checkpoint side of the tamper-evident audit log: the integrated tree's size, its
 * stored subtree hashes (what proofs are built from, never the whole log), and signed
 * checkpoints — C2SP tlog-checkpoint notes signed with the log's Ed25519 key.
 */
import type { SubtreeSource } from '../crypto/merkle.js';

/** A signed tree head. */
export interface AuditCheckpoint {
  readonly size: number;
  /** `MTH` of the first `size` leaves (RFC 9162 §2.1.1), 32 bytes. */
  readonly rootHash: Uint8Array;
  /** The C2SP signed note, as served. */
  readonly note: string;
  readonly createdAt: number;
}

/**
 * Guarantees: `treeSize` is a size whose subtrees are all stored (entries are integrated with
 * their subtree hashes in one transaction); `subtree` answers the stored hash of a complete
 * aligned subtree within that size (the {@link SubtreeSource} contract); checkpoints only grow —
 * `issueCheckpoint` refuses with `audit_unavailable` when the log is shorter than its latest
 * checkpoint (a truncated database) and returns the latest one unchanged when nothing was added.
 */
export interface AuditLedger extends SubtreeSource {
  /** The log's identity, the checkpoints' first line and the signing key's name. */
  readonly origin: string;
  /** The checkpoint verifier key in C2SP vkey form. */
  verifierKey(): string;
  treeSize(): Promise<number>;
  latestCheckpoint(): Promise<AuditCheckpoint | undefined>;
  /** Signs and stores a checkpoint of the current tree; `issued` is false when the latest already covers it. */
  issueCheckpoint(): Promise<{ readonly checkpoint: AuditCheckpoint; readonly issued: boolean }>;
}
