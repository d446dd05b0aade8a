/**
 * The appender the integrator calls: which aligned subtrees each append emits for the store, that
 * a range restored from the store (after a restart) continues identically, and that bad input is
 * refused with a code.
 */
import { describe, expect, it } from 'vitest';
import { CompactRange, MerkleError, rootFromLeafHashes, type SubtreeHash } from '../../../src/audit/crypto/merkle.js';
import { MemorySubtreeStore, syntheticLeaf } from './merkle-test-helpers.js';

const leaves = Array.from({ length: 40 }, (_, i) => syntheticLeaf(i));
const shape = (done: readonly SubtreeHash[]): [number, number][] => done.map((d) => [d.start, d.size]);

describe('CompactRange', () => {
  it('emits the leaf, then every subtree it completes, smallest first', () => {
    const range = CompactRange.empty();
    const emitted = leaves.slice(0, 8).map((leaf) => shape(range.append(leaf)));
    expect(emitted).toEqual([
      [[0, 1]],
      [
        [1, 1],
        [0, 2],
      ],
      [[2, 1]],
      [
        [3, 1],
        [2, 2],
        [0, 4],
      ],
      [[4, 1]],
      [
        [5, 1],
        [4, 2],
      ],
      [[6, 1]],
      [
        [7, 1],
        [6, 2],
        [4, 4],
        [0, 8],
      ],
    ]);
    expect(range.size).toBe(8);
    expect(range.peaks()).toHaveLength(1);
  });

  it('an emitted hash is the reference MTH of its leaves', () => {
    const range = CompactRange.empty();
    for (const leaf of leaves) {
      for (const done of range.append(leaf)) {
        expect(done.hash).toEqual(rootFromLeafHashes(leaves.slice(done.start, done.start + done.size)));
      }
    }
  });

  it('keeps one peak per set bit of the size', () => {
    const range = CompactRange.empty();
    leaves.slice(0, 13).forEach((leaf) => range.append(leaf));
    expect(range.peaks()).toHaveLength(3); // 13 = 8 + 4 + 1
  });

  it('restored from the store or from its peaks, it continues exactly as the original', async () => {
    const store = new MemorySubtreeStore();
    const original = store.fill(leaves.slice(0, 27));
    const fromStore = CompactRange.fromSourceSync(27, store);
    const fromAsync = await CompactRange.fromSource(27, { subtree: async (s, z) => store.subtree(s, z) });
    const fromPeaks = CompactRange.fromPeaks(27, original.peaks());
    for (const restored of [fromStore, fromAsync, fromPeaks]) expect(restored.root()).toEqual(original.root());
    for (const leaf of leaves.slice(27)) {
      const expected = shape(original.append(leaf));
      for (const restored of [fromStore, fromAsync, fromPeaks]) expect(shape(restored.append(leaf))).toEqual(expected);
    }
    for (const restored of [fromStore, fromAsync, fromPeaks]) expect(restored.root()).toEqual(rootFromLeafHashes(leaves));
  });

  it('changing a returned hash or peak does not change the range', () => {
    const range = CompactRange.empty();
    const [done] = range.append(leaves[0] as Uint8Array);
    done?.hash.fill(0);
    range.peaks()[0]?.fill(0);
    expect(range.root()).toEqual(leaves[0]);
  });

  it('refuses a leaf hash that is not 32 bytes, and peaks that do not fit the size', () => {
    const refusal = (run: () => unknown): string | undefined => {
      try {
        run();
      } catch (error) {
        return error instanceof MerkleError ? error.code : 'other';
      }
      return undefined;
    };
    expect(refusal(() => CompactRange.empty().append(new Uint8Array(31)))).toBe('invalid_hash_length');
    expect(refusal(() => CompactRange.fromPeaks(3, [leaves[0] as Uint8Array]))).toBe('invalid_size');
    expect(refusal(() => CompactRange.fromPeaks(2, [new Uint8Array(5)]))).toBe('invalid_hash_length');
    expect(refusal(() => CompactRange.fromPeaks(-1, []))).toBe('invalid_size');
  });
});
