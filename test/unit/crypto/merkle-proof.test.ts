/**
 * Proof generation reads O(log n) stored subtrees, never the log: lookups are counted on lazy
 * synthetic sources (65,537 distinct leaves; 1,000,000 and 2^40-odd uniform leaves, the latter
 * beyond 32-bit positions), and a caller's mistake or a corrupt store is refused with a code.
 */
import { describe, expect, it } from 'vitest';
import {
  MerkleError,
  consistencyPlan,
  consistencyProof,
  consistencyProofSync,
  inclusionPlan,
  inclusionProof,
  inclusionProofSync,
  isAlignedSubtree,
  rootFromLeafHashes,
  rootFromSourceSync,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/audit/crypto/merkle.js';
import { LazySyntheticSource, UniformSource, lookupBound, syntheticLeaf } from './merkle-test-helpers.js';

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof MerkleError) return error.code;
    throw error;
  }
  throw new Error('nothing was refused');
}

describe('lookups per proof, 65,537 distinct leaves (lazy memoised source)', () => {
  const n = 65_537;
  const source = new LazySyntheticSource();
  const root = rootFromLeafHashes(Array.from({ length: n }, (_, i) => syntheticLeaf(i)));
  const bound = lookupBound(n);

  it.each([0, 1, 2, 4_095, 32_768, 65_535, n - 1])(
    'the inclusion proof of leaf %i takes at most 2·⌈log2 n⌉+2 lookups and verifies',
    (index) => {
      source.calls = 0;
      const proof = inclusionProofSync(index, n, source);
      expect(source.calls).toBeLessThanOrEqual(bound);
      expect(verifyInclusion(syntheticLeaf(index), index, n, proof, root)).toEqual({ ok: true });
    },
  );

  it.each([1, 2, 3, 1_000, 32_768, 65_535, 65_536])(
    'the consistency proof from %i takes at most 2·⌈log2 n⌉+2 lookups and verifies',
    (first) => {
      const firstRoot = rootFromSourceSync(first, source);
      source.calls = 0;
      const proof = consistencyProofSync(first, n, source);
      expect(source.calls).toBeLessThanOrEqual(bound);
      expect(verifyConsistency(first, n, proof, firstRoot, root)).toEqual({ ok: true });
    },
  );

  it('the root of any past size takes one lookup per set bit of the size', () => {
    source.calls = 0;
    expect(rootFromSourceSync(n, source)).toEqual(root);
    expect(source.calls).toBe(2);
  });
});

describe('lookups per proof on huge logs (uniform leaves)', () => {
  const sizes = [1_000_000, 2 ** 40 + 2 ** 33 + 5, Number.MAX_SAFE_INTEGER];

  it.each(sizes)('inclusion proofs in a tree of %i leaves stay within the bound and verify', (n) => {
    const source = new UniformSource();
    const root = source.root(n);
    for (const index of [0, 1, Math.floor(n / 3), n - 2, n - 1]) {
      source.calls = 0;
      const proof = inclusionProofSync(index, n, source);
      expect(source.calls).toBeLessThanOrEqual(lookupBound(n));
      expect(verifyInclusion(source.subtree(0, 1), index, n, proof, root)).toEqual({ ok: true });
    }
  });

  it.each(sizes)('consistency proofs to a tree of %i leaves stay within the bound and verify', (n) => {
    const source = new UniformSource();
    for (const first of [1, 2, 3, Math.floor(n / 3), n - 1]) {
      source.calls = 0;
      const proof = consistencyProofSync(first, n, source);
      expect(source.calls).toBeLessThanOrEqual(lookupBound(n));
      expect(verifyConsistency(first, n, proof, source.root(first), source.root(n))).toEqual({ ok: true });
    }
  });

  it('every planned lookup is a complete aligned subtree inside the tree', () => {
    const n = 2 ** 40 + 2 ** 33 + 5;
    const parts = [...inclusionPlan(n - 1, n), ...inclusionPlan(12_345, n), ...consistencyPlan(2 ** 39 + 7, n)].flat();
    for (const part of parts) {
      expect(isAlignedSubtree(part.start, part.size)).toBe(true);
      expect(part.start + part.size).toBeLessThanOrEqual(n);
    }
  });
});

describe('generation refuses with a code', () => {
  const source = new LazySyntheticSource();

  it('an index at or beyond the tree size: index_out_of_range', () => {
    expect(codeOf(() => inclusionProofSync(5, 5, source))).toBe('index_out_of_range');
    expect(codeOf(() => inclusionProofSync(0, 0, source))).toBe('index_out_of_range');
  });

  it('a negative, fractional or unsafe position: invalid_size', () => {
    expect(codeOf(() => inclusionProofSync(-1, 5, source))).toBe('invalid_size');
    expect(codeOf(() => inclusionProofSync(0.5, 5, source))).toBe('invalid_size');
    expect(codeOf(() => consistencyProofSync(1, 2 ** 53, source))).toBe('invalid_size');
  });

  it('a consistency proof from size 0: empty_first_tree (RFC 9162 §2.1.4.1)', () => {
    expect(codeOf(() => consistencyProofSync(0, 5, source))).toBe('empty_first_tree');
    expect(codeOf(() => consistencyProofSync(0, 0, source))).toBe('empty_first_tree');
  });

  it('a first size above the second: first_exceeds_second', () => {
    expect(codeOf(() => consistencyProofSync(6, 5, source))).toBe('first_exceeds_second');
  });

  it('equal sizes give the empty proof without a lookup', () => {
    source.calls = 0;
    expect(consistencyProofSync(7, 7, source)).toEqual([]);
    expect(source.calls).toBe(0);
  });

  it('a source answering something other than a 32-byte hash: source_invalid', async () => {
    const corrupt = { subtree: async () => new Uint8Array(31) };
    await expect(inclusionProof(3, 8, corrupt)).rejects.toMatchObject({ code: 'source_invalid' });
    await expect(consistencyProof(3, 8, corrupt)).rejects.toMatchObject({ code: 'source_invalid' });
  });

  it('the asynchronous form rejects rather than throws', async () => {
    const promise = inclusionProof(9, 8, { subtree: async () => new Uint8Array(32) });
    await expect(promise).rejects.toBeInstanceOf(MerkleError);
  });
});
