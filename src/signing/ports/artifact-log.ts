/**
 * What the artifact signer needs of the audit log beyond recording: the integrated entry of a
 * signature, a signed checkpoint that covers it, and the inclusion proof at that checkpoint's size.
 *
 * Guarantees: `checkpointCovering(i)` answers a checkpoint of size > i or undefined, never a
 * smaller one; concurrent callers share one checkpoint signature where they can.
 */
export interface ArtifactLogEntry {
  readonly index: number;
  readonly org: string;
  readonly timestamp: number;
  readonly leaf: string;
}

export interface ArtifactLog {
  /** The successful `artifact.sign` entries about `resource` (of `org`, when given), once integrated, lowest index first. */
  locate(resource: string, org?: string): Promise<readonly ArtifactLogEntry[]>;
  /** Nudges integration of what this instance queued. */
  integrate(): Promise<void>;
  /** A signed checkpoint (C2SP note) whose tree holds leaf `index`, signing one when the latest does not. */
  checkpointCovering(index: number): Promise<{ readonly size: number; readonly note: string } | undefined>;
  /** RFC 9162 §2.1.3.1 proof of leaf `index` in the tree of `treeSize` leaves. */
  inclusionProof(index: number, treeSize: number): Promise<{ readonly rootHash: Uint8Array; readonly proof: readonly Uint8Array[] }>;
  /** The log's checkpoint verifier key (C2SP vkey) and origin, for the JWKS. */
  verifier(): { readonly origin: string; readonly vkey: string };
}
