/**
 * The Merkle core against the published RFC 6962/9162 vectors (transparency-dev/merkle), every
 * case by name: hasher constants, roots, node hashes, the 130-leaf accumulated digest, and all
 * inclusion and consistency cases, valid ones verifying and every `wantErr` case refused.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CompactRange,
  consistencyProofSync,
  emptyRoot,
  inclusionProofSync,
  leafHash,
  nodeHash,
  rootFromLeafHashes,
  rootFromSourceSync,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/audit/crypto/merkle.js';
import { MemorySubtreeStore, ascii, fromBase64, fromHex, toHex, vectors } from './merkle-test-helpers.js';

const MERKLE_CODES = [
  'invalid_size',
  'index_out_of_range',
  'empty_first_tree',
  'first_exceeds_second',
  'invalid_hash_length',
  'wrong_proof_length',
  'root_mismatch',
];

const testLeaves = vectors.tree.leaf_inputs_hex.map((hex) => leafHash(fromHex(hex)));
const testStore = new MemorySubtreeStore();
testStore.fill(testLeaves);

describe('RFC 9162 hasher (vectors: hasher)', () => {
  it('the empty tree hashes to SHA-256 of nothing', () => {
    expect(toHex(emptyRoot())).toBe(vectors.hasher.empty_tree_root);
    expect(toHex(rootFromLeafHashes([]))).toBe(vectors.hasher.empty_tree_root);
    expect(toHex(CompactRange.empty().root())).toBe(vectors.hasher.empty_tree_root);
  });

  it('a leaf hash is SHA-256(0x00 ‖ data)', () => {
    expect(toHex(leafHash(new Uint8Array(0)))).toBe(vectors.hasher.leaf_hash_of_empty);
    expect(toHex(leafHash(ascii('L123456')))).toBe(vectors.hasher.leaf_hash_of_ascii_L123456);
  });

  it('a node hash is SHA-256(0x01 ‖ left ‖ right), even over inputs that are not 32 bytes', () => {
    expect(toHex(nodeHash(ascii('N123'), ascii('N456')))).toBe(vectors.hasher.node_hash_of_ascii_N123_and_N456);
  });
});

describe('roots and node hashes of the 8-leaf test tree (vectors: tree)', () => {
  it.each(vectors.tree.root_by_size.map((root, size) => [size, root] as const))('the root of size %i', (size, root) => {
    const leaves = testLeaves.slice(0, size);
    expect(toHex(rootFromLeafHashes(leaves))).toBe(root);
    expect(toHex(new MemorySubtreeStore().fill(leaves).root())).toBe(root);
    expect(toHex(rootFromSourceSync(size, testStore))).toBe(root);
  });

  it.each(vectors.tree.node_hashes_by_level.flatMap((level, l) => level.map((hash, i) => [l, i, hash] as const)))(
    'the stored node at level %i, position %i',
    (level, position, hash) => {
      const size = 2 ** level;
      expect(toHex(testStore.subtree(position * size, size))).toBe(hash);
    },
  );

  it('the appender emits exactly the 15 complete subtrees of 8 leaves', () => {
    expect(testStore.stored).toBe(15);
  });
});

describe('accumulated subtree hashes over 130 leaves (vectors: accumulated_large_tree)', () => {
  it('matches the published digest', () => {
    const leaves = Array.from({ length: 130 }, (_, i) => leafHash(Uint8Array.of(i)));
    const store = new MemorySubtreeStore();
    store.fill(leaves);
    const bitCeil = (n: number): number => 2 ** Math.ceil(Math.log2(Math.max(n, 1)));
    const digest = createHash('sha256');
    for (let end = 0; end <= 130; end++) {
      for (let start = 0; start <= end; start++) {
        if (!(start === 0 || start === end || start % bitCeil(end - start) === 0)) continue;
        const hash = rootFromLeafHashes(leaves.slice(start, end));
        if (start === 0) expect(rootFromSourceSync(end, store)).toEqual(hash);
        digest.update(`[${start}, ${end}) ${toHex(hash)}\n`);
      }
    }
    expect(digest.digest('hex')).toBe(vectors.accumulated_large_tree.want_sha256);
  });
});

describe('inclusion proofs (vectors: inclusion)', () => {
  it('has the 98 published cases', () => {
    expect(vectors.inclusion).toHaveLength(98);
  });

  // leafIdx 18446744073709551615 (2^64 - 1) is read by JSON.parse as an unsafe Number, which the
  // verifier refuses as `invalid_size`: positions are safe integers in Rampart.
  it.each(vectors.inclusion.map((c) => [`${c.file} (${c.wantErr ? 'refused' : 'verifies'})`, c] as const))('%s', (_name, c) => {
    const result = verifyInclusion(fromBase64(c.leafHash), c.leafIdx, c.treeSize, c.proof.map(fromBase64), fromBase64(c.root));
    if (c.wantErr) {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(MERKLE_CODES).toContain(result.code);
    } else {
      expect(result).toEqual({ ok: true });
    }
  });

  it.each(
    vectors.inclusion
      .filter(
        (c) =>
          !c.wantErr && c.treeSize <= 8 && c.root === Buffer.from(fromHex(vectors.tree.root_by_size[c.treeSize] ?? '')).toString('base64'),
      )
      .map((c) => [c.file, c] as const),
  )('the generator reproduces the proof of %s', (_name, c) => {
    expect(inclusionProofSync(c.leafIdx, c.treeSize, testStore).map((h) => Buffer.from(h).toString('base64'))).toEqual(c.proof);
  });
});

describe('consistency proofs (vectors: consistency)', () => {
  it('has the 98 published cases', () => {
    expect(vectors.consistency).toHaveLength(98);
  });

  it.each(vectors.consistency.map((c) => [`${c.file} (${c.wantErr ? 'refused' : 'verifies'})`, c] as const))('%s', (_name, c) => {
    const result = verifyConsistency(c.size1, c.size2, c.proof.map(fromBase64), fromBase64(c.root1), fromBase64(c.root2));
    if (c.wantErr) {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(MERKLE_CODES).toContain(result.code);
    } else {
      expect(result).toEqual({ ok: true });
    }
  });

  it.each(
    vectors.consistency
      .filter(
        (c) => !c.wantErr && c.size2 <= 8 && c.root2 === Buffer.from(fromHex(vectors.tree.root_by_size[c.size2] ?? '')).toString('base64'),
      )
      .map((c) => [c.file, c] as const),
  )('the generator reproduces the proof of %s', (_name, c) => {
    expect(consistencyProofSync(c.size1, c.size2, testStore).map((h) => Buffer.from(h).toString('base64'))).toEqual(c.proof);
  });
});
