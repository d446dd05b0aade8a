/**
 * The audit log's public face (spec/api-v1.md, "Audit"): the verifier key, signed checkpoints
 * (issued on a schedule and on demand, each new one also pushed to the witness when there is
 * one), and RFC 9162 inclusion and consistency proofs built from the stored subtree hashes in
 * O(log n) reads — never from the whole log.
 */
import { consistencyProof, inclusionProof, rootFromSource } from '../crypto/merkle.js';
import { validationFailed } from '../domain/errors.js';
import type { AuditLedger } from '../ports/audit-ledger.js';
import type { CheckpointWitness } from '../ports/checkpoint-witness.js';

/** A tree head and the proof that ties something to it. Hashes are 32 bytes. */
export interface AuditProof {
  readonly treeSize: number;
  readonly rootHash: Uint8Array;
  readonly proof: readonly Uint8Array[];
}

export interface InclusionProof extends AuditProof {
  readonly index: number;
  readonly leafHash: Uint8Array;
}

export interface ConsistencyProof extends AuditProof {
  readonly first: number;
  readonly second: number;
}

export class AuditService {
  readonly #ledger: AuditLedger;
  readonly #witness: CheckpointWitness | undefined;

  constructor(ledger: AuditLedger, witness?: CheckpointWitness) {
    this.#ledger = ledger;
    this.#witness = witness;
  }

  /** The checkpoint verifier key, C2SP vkey form. */
  verifierKey(): string {
    return this.#ledger.verifierKey();
  }

  /** The log's origin: the first line of its checkpoints. */
  get origin(): string {
    return this.#ledger.origin;
  }

  /** The latest signed checkpoint; the first one is issued on demand. */
  async latestCheckpoint(): Promise<string> {
    return (await this.#ledger.latestCheckpoint())?.note ?? (await this.issueCheckpoint());
  }

  /** Signs a checkpoint of the current tree (unless the latest covers it), witnesses a new one, and returns the latest. */
  async issueCheckpoint(): Promise<string> {
    const { checkpoint, issued } = await this.#ledger.issueCheckpoint();
    if (issued && this.#witness !== undefined) await this.#witness.push(checkpoint.note);
    return checkpoint.note;
  }

  async #checkSize(field: string, size: number): Promise<void> {
    const current = await this.#ledger.treeSize();
    if (size > current) throw validationFailed([{ field, reason: `is beyond the tree size ${current}` }]);
  }

  /** RFC 9162 §2.1.3.1: the proof that leaf `index` is in the tree of `treeSize` leaves. */
  async inclusionProof(index: number, treeSize: number): Promise<InclusionProof> {
    if (index >= treeSize) throw validationFailed([{ field: 'index', reason: 'must be below tree_size' }]);
    await this.#checkSize('tree_size', treeSize);
    const [proof, rootHash, leafHash] = await Promise.all([
      inclusionProof(index, treeSize, this.#ledger),
      rootFromSource(treeSize, this.#ledger),
      this.#ledger.subtree(index, 1),
    ]);
    return { index, treeSize, rootHash, leafHash, proof };
  }

  /** RFC 9162 §2.1.4.1: the proof that the tree of `first` leaves is a prefix of the tree of `second`. */
  async consistencyProof(first: number, second: number): Promise<ConsistencyProof> {
    // RFC 9162 §2.1.4.1: defined for 0 < first ≤ second.
    if (first === 0) throw validationFailed([{ field: 'first', reason: 'must be at least 1' }]);
    if (first > second) throw validationFailed([{ field: 'first', reason: 'must not exceed second' }]);
    await this.#checkSize('second', second);
    const [proof, rootHash] = await Promise.all([consistencyProof(first, second, this.#ledger), rootFromSource(second, this.#ledger)]);
    return { first, second, treeSize: second, rootHash, proof };
  }
}
