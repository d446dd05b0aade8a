/**
 * The appender the log's integrator keeps in memory: the compact range `[0, size)`, one hash per
 * set bit of `size` (the "peaks", largest first). Appending a leaf hash completes one subtree of
 * size 1 and, for every trailing one-bit of the old size, one larger aligned subtree; those are
 * returned for the store to persist, which is all a {@link SubtreeSource} needs to serve proofs.
 * The current root is the fold of the peaks (RFC 9162 §2.1.1), in O(log n).
 */
import { MerkleError } from './merkle-error.js';
import { emptyRoot, HASH_SIZE, isHash, nodeHash } from './merkle-hasher.js';
import { rootPlan } from './merkle-proof.js';
import type { SubtreeHash, SubtreeSource, SyncSubtreeSource } from './subtree-source.js';

/** The in-memory Merkle frontier of an append-only log. */
export class CompactRange {
  #size: number;
  readonly #peaks: Uint8Array[];

  private constructor(size: number, peaks: Uint8Array[]) {
    this.#size = size;
    this.#peaks = peaks;
  }

  /** The range of the empty tree. */
  static empty(): CompactRange {
    return new CompactRange(0, []);
  }

  /**
   * Restores a range from its peaks: the hashes of the aligned subtrees making up `[0, size)`,
   * largest first (one per set bit of `size`). Throws `invalid_size` or `invalid_hash_length`.
   */
  static fromPeaks(size: number, peaks: readonly Uint8Array[]): CompactRange {
    const plan = rootPlan(size);
    if (peaks.length !== plan.length) throw new MerkleError('invalid_size', `a tree of ${size} leaves has ${plan.length} peaks`);
    if (!peaks.every(isHash)) throw new MerkleError('invalid_hash_length', `peaks must be ${HASH_SIZE}-byte hashes`);
    return new CompactRange(
      size,
      peaks.map((p) => Uint8Array.from(p)),
    );
  }

  /** Restores the range of a stored tree of `size` leaves with O(log n) lookups. */
  static async fromSource(size: number, source: SubtreeSource): Promise<CompactRange> {
    const plan = rootPlan(size);
    return CompactRange.fromPeaks(size, await Promise.all(plan.map((p) => source.subtree(p.start, p.size))));
  }

  /** {@link CompactRange.fromSource} over a synchronous source. */
  static fromSourceSync(size: number, source: SyncSubtreeSource): CompactRange {
    return CompactRange.fromPeaks(
      size,
      rootPlan(size).map((p) => source.subtree(p.start, p.size)),
    );
  }

  /** The number of leaves appended so far. */
  get size(): number {
    return this.#size;
  }

  /** Copies of the peaks, largest subtree first, to persist or to restore with {@link CompactRange.fromPeaks}. */
  peaks(): Uint8Array[] {
    return this.#peaks.map((p) => Uint8Array.from(p));
  }

  /**
   * Appends one leaf hash (already `SHA-256(0x00 ‖ entry)`) as leaf `size` and returns every
   * aligned subtree it completes, smallest first: the leaf itself (size 1), then each merge.
   */
  append(leafHash: Uint8Array): SubtreeHash[] {
    if (!isHash(leafHash)) throw new MerkleError('invalid_hash_length', `a leaf hash must be ${HASH_SIZE} bytes`);
    if (this.#size >= Number.MAX_SAFE_INTEGER) throw new MerkleError('invalid_size', 'the tree is full');
    const newSize = this.#size + 1;
    let hash: Uint8Array = Uint8Array.from(leafHash);
    let width = 1;
    const completed: SubtreeHash[] = [{ start: this.#size, size: 1, hash }];
    // Every trailing one-bit of the old size is a peak of the same width as the new one: merge.
    for (let rest = this.#size; rest % 2 === 1; rest = (rest - 1) / 2) {
      hash = nodeHash(this.#peaks.pop() as Uint8Array, hash);
      width *= 2;
      completed.push({ start: newSize - width, size: width, hash });
    }
    // A copy, so that a caller changing a returned hash cannot change the range.
    this.#peaks.push(Uint8Array.from(hash));
    this.#size = newSize;
    return completed;
  }

  /** `MTH(D[0:size])`: the peaks folded from the right (RFC 9162 §2.1.1), or the empty-tree hash. */
  root(): Uint8Array {
    if (this.#peaks.length === 0) return emptyRoot();
    let root = this.#peaks[this.#peaks.length - 1] as Uint8Array;
    for (let i = this.#peaks.length - 2; i >= 0; i--) root = nodeHash(this.#peaks[i] as Uint8Array, root);
    return root;
  }
}
