/**
 * What proof generation reads instead of the whole log: the hashes of complete, aligned subtrees
 * (`start` a multiple of `size`, `size` a power of two), the tiles of Trillian and tlog. The log
 * stores one such hash for every subtree the {@link CompactRange} completes, so any proof node is
 * one stored hash, or a few of them folded together (a right-border node, RFC 9162 §2.1.1).
 */

/** One complete aligned subtree: leaves `[start, start + size)`. */
export interface SubtreeRef {
  readonly start: number;
  readonly size: number;
}

/** A complete aligned subtree and its hash, as the appender emits them for storage. */
export interface SubtreeHash extends SubtreeRef {
  readonly hash: Uint8Array;
}

/**
 * Storage of complete aligned subtree hashes, read by proof generation.
 *
 * Guarantees asked of an implementation: it is only asked for `size` a power of two, `start` a
 * multiple of `size`, and `start + size` not above a tree size it has integrated; it answers the
 * 32-byte hash it stored for exactly that subtree (size 1 is the leaf hash) and never a guess. A
 * hash of another length makes generation throw `source_invalid`.
 */
export interface SubtreeSource {
  subtree(start: number, size: number): Promise<Uint8Array>;
}

/** The synchronous form of {@link SubtreeSource}, for a store read without awaiting (SQLite). */
export interface SyncSubtreeSource {
  subtree(start: number, size: number): Uint8Array;
}

/** True when `[start, start + size)` is a complete aligned subtree. */
export function isAlignedSubtree(start: number, size: number): boolean {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(size) || start < 0 || size < 1) return false;
  let power = 1;
  while (power < size) power *= 2;
  return power === size && start % size === 0;
}

/**
 * The complete aligned subtrees whose fold is `MTH(D[start:end])`, largest first, for a range the
 * RFC's recursion produces: `start` is a multiple of a power of two not smaller than the range.
 * A complete subtree is itself; a right-border range is one subtree per set bit of its length.
 */
export function alignedParts(start: number, end: number): SubtreeRef[] {
  const parts: SubtreeRef[] = [];
  let power = 1;
  while (power * 2 <= end - start) power *= 2;
  let position = start;
  for (; power >= 1 && position < end; power /= 2) {
    if (end - position >= power) {
      parts.push({ start: position, size: power });
      position += power;
    }
  }
  return parts;
}
