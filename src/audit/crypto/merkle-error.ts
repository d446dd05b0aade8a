/**
 * Failures of the Merkle log core, as stable codes. Proofs and roots arrive from outside (an
 * auditor's request, a client verifying a checkpoint), so verification returns a value and never
 * throws; generation throws {@link MerkleError} only on a caller's mistake or a corrupt store.
 */

/** A stable reason; the codes are the contract, the detail text is for people. */
export type MerkleErrorCode =
  /** A tree size or leaf index is not a non-negative safe integer. */
  | 'invalid_size'
  /** A leaf index is not below the tree size (RFC 9162 §2.1.3.2 step 1). */
  | 'index_out_of_range'
  /** A consistency proof was asked from or to size 0 (RFC 9162 §2.1.4.2: 0 < first). */
  | 'empty_first_tree'
  /** The first tree size is larger than the second. */
  | 'first_exceeds_second'
  /** A leaf hash, root or proof hash is not 32 bytes. */
  | 'invalid_hash_length'
  /** The proof has more or fewer hashes than the sizes require. */
  | 'wrong_proof_length'
  /** The proof does not lead to the given root. */
  | 'root_mismatch'
  /** A {@link SubtreeSource} answered with something that is not a 32-byte hash. */
  | 'source_invalid';

/** The outcome of a verification: success, or a code and a safe detail. */
export type MerkleVerification = { readonly ok: true } | { readonly ok: false; readonly code: MerkleErrorCode; readonly detail: string };

/** Thrown by proof generation and the appender on a caller's mistake or a corrupt source. */
export class MerkleError extends Error {
  readonly code: MerkleErrorCode;

  constructor(code: MerkleErrorCode, detail: string) {
    super(`${code}: ${detail}`);
    this.name = 'MerkleError';
    this.code = code;
  }
}

/** A refusal value. */
export function refused(code: MerkleErrorCode, detail: string): MerkleVerification {
  return { ok: false, code, detail };
}

/** The success value. */
export const VERIFIED: MerkleVerification = Object.freeze({ ok: true });
