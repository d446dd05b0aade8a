/**
 * Inclusion and consistency proof generation (RFC 9162 §2.1.3.1, §2.1.4.1) that never reads the
 * whole log. The RFC's recursions are run over sizes only, giving the proof's node ranges; each
 * range is one stored aligned subtree, except at most one right-border range per proof, which is
 * folded from one stored subtree per set bit of its length. A proof therefore costs at most about
 * 2·log2(n) lookups, whatever the size of the log.
 */
import { MerkleError } from './merkle-error.js';
import { emptyRoot, isHash, nodeHash, splitPoint } from './merkle-hasher.js';
import { alignedParts, type SubtreeRef, type SubtreeSource, type SyncSubtreeSource } from './subtree-source.js';

/** The node ranges of a proof, in proof order; each node is the fold of its aligned parts. */
export type ProofPlan = readonly (readonly SubtreeRef[])[];

function checkSize(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new MerkleError('invalid_size', `${what} must be a non-negative safe integer`);
}

/** The node ranges of the inclusion proof of leaf `index` in a tree of `treeSize` leaves. */
export function inclusionPlan(index: number, treeSize: number): ProofPlan {
  checkSize(index, 'index');
  checkSize(treeSize, 'tree size');
  if (index >= treeSize) throw new MerkleError('index_out_of_range', 'the index must be below the tree size');
  const ranges: [number, number][] = [];
  // RFC 9162 §2.1.3.1: PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) for m < k,
  // and PATH(m - k, D[k:n]) : MTH(D[0:k]) for m >= k; PATH(0, {d(0)}) is empty.
  const path = (m: number, start: number, end: number): void => {
    if (end - start === 1) return;
    const k = splitPoint(end - start);
    if (m < k) {
      path(m, start, start + k);
      ranges.push([start + k, end]);
    } else {
      path(m - k, start + k, end);
      ranges.push([start, start + k]);
    }
  };
  path(index, 0, treeSize);
  return ranges.map(([start, end]) => alignedParts(start, end));
}

/** The node ranges of the consistency proof from tree size `first` to tree size `second`. */
export function consistencyPlan(first: number, second: number): ProofPlan {
  checkSize(first, 'first');
  checkSize(second, 'second');
  if (first > second) throw new MerkleError('first_exceeds_second', 'the first tree size must not exceed the second');
  // RFC 9162 §2.1.4.1: PROOF(m, D[n]) is defined for 0 < m; a proof from the empty tree proves nothing.
  if (first === 0) throw new MerkleError('empty_first_tree', 'a consistency proof from tree size 0 is not defined');
  const ranges: [number, number][] = [];
  // RFC 9162 §2.1.4.1: SUBPROOF(m, D[m], true) = {}; SUBPROOF(m, D[m], false) = {MTH(D[m])};
  // for m <= k: SUBPROOF(m, D[0:k], b) : MTH(D[k:n]); for m > k: SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k]).
  const subproof = (m: number, start: number, end: number, original: boolean): void => {
    if (m === end - start) {
      if (!original) ranges.push([start, end]);
      return;
    }
    const k = splitPoint(end - start);
    if (m <= k) {
      subproof(m, start, start + k, original);
      ranges.push([start + k, end]);
    } else {
      subproof(m - k, start + k, end, false);
      ranges.push([start, start + k]);
    }
  };
  if (first < second) subproof(first, 0, second, true);
  return ranges.map(([start, end]) => alignedParts(start, end));
}

/** The aligned subtrees making up a tree of `treeSize` leaves, whose fold is its root. */
export function rootPlan(treeSize: number): readonly SubtreeRef[] {
  checkSize(treeSize, 'tree size');
  return alignedParts(0, treeSize);
}

function checked(hash: Uint8Array, ref: SubtreeRef): Uint8Array {
  if (!isHash(hash)) throw new MerkleError('source_invalid', `the source gave no 32-byte hash for subtree ${ref.start}+${ref.size}`);
  return hash;
}

/** `MTH` of a range from the hashes of its aligned parts, largest first (RFC 9162 §2.1.1 split). */
function fold(hashes: readonly Uint8Array[]): Uint8Array {
  let result = hashes[hashes.length - 1] as Uint8Array;
  for (let i = hashes.length - 2; i >= 0; i--) result = nodeHash(hashes[i] as Uint8Array, result);
  return result;
}

async function assemble(plan: ProofPlan, source: SubtreeSource): Promise<Uint8Array[]> {
  return Promise.all(
    plan.map(async (parts) => fold(await Promise.all(parts.map(async (p) => checked(await source.subtree(p.start, p.size), p))))),
  );
}

function assembleSync(plan: ProofPlan, source: SyncSubtreeSource): Uint8Array[] {
  return plan.map((parts) => fold(parts.map((p) => checked(source.subtree(p.start, p.size), p))));
}

/** The RFC 9162 §2.1.3.1 inclusion proof of leaf `index` in the tree of `treeSize` leaves. */
export async function inclusionProof(index: number, treeSize: number, source: SubtreeSource): Promise<Uint8Array[]> {
  return assemble(inclusionPlan(index, treeSize), source);
}

/** {@link inclusionProof} over a synchronous source. */
export function inclusionProofSync(index: number, treeSize: number, source: SyncSubtreeSource): Uint8Array[] {
  return assembleSync(inclusionPlan(index, treeSize), source);
}

/** The RFC 9162 §2.1.4.1 consistency proof from tree size `first` to `second` (empty when equal). */
export async function consistencyProof(first: number, second: number, source: SubtreeSource): Promise<Uint8Array[]> {
  return assemble(consistencyPlan(first, second), source);
}

/** {@link consistencyProof} over a synchronous source. */
export function consistencyProofSync(first: number, second: number, source: SyncSubtreeSource): Uint8Array[] {
  return assembleSync(consistencyPlan(first, second), source);
}

/** The root of the tree of `treeSize` leaves (any past size of the log), in O(log n) lookups. */
export async function rootFromSource(treeSize: number, source: SubtreeSource): Promise<Uint8Array> {
  const parts = rootPlan(treeSize);
  if (parts.length === 0) return emptyRoot();
  return fold(await Promise.all(parts.map(async (p) => checked(await source.subtree(p.start, p.size), p))));
}

/** {@link rootFromSource} over a synchronous source. */
export function rootFromSourceSync(treeSize: number, source: SyncSubtreeSource): Uint8Array {
  const parts = rootPlan(treeSize);
  if (parts.length === 0) return emptyRoot();
  return fold(parts.map((p) => checked(source.subtree(p.start, p.size), p)));
}
