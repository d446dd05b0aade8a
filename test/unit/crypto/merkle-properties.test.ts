/**
 * Properties of generation and verification together, over trees of 1 to 300 leaves: a proof the
 * generator draws from the appender's stored subtrees verifies against the reference root
 * (RFC 9162 §2.1.1's MTH over every leaf), and any change to it — one byte of one hash, a
 * neighbouring index or size, swapped roots — is refused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  consistencyProofSync,
  inclusionProof,
  inclusionProofSync,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/audit/crypto/merkle.js';
import { MemorySubtreeStore, syntheticLeaf } from './merkle-test-helpers.js';

const MAX = 300;
const leaves = Array.from({ length: MAX }, (_, i) => syntheticLeaf(i));
/** Complete subtrees never change as the log grows, so one store of 300 leaves serves every smaller size. */
const store = new MemorySubtreeStore();
const appender = store.fill(leaves);
const roots = Array.from({ length: MAX + 1 }, (_, n) => rootFromLeafHashes(leaves.slice(0, n)));
const asyncStore = { subtree: async (start: number, size: number) => store.subtree(start, size) };

/** Every proof obtained by flipping one bit of one byte of one hash of `proof`. */
function* tampered(proof: readonly Uint8Array[]): Generator<Uint8Array[]> {
  for (let h = 0; h < proof.length; h++) {
    for (let b = 0; b < (proof[h] as Uint8Array).length; b++) {
      const copy = proof.map((p) => Uint8Array.from(p));
      (copy[h] as Uint8Array)[b] = ((copy[h] as Uint8Array)[b] as number) ^ 0x01;
      yield copy;
    }
  }
}

const treeAndIndex = fc.integer({ min: 1, max: MAX }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 })));
const twoSizes = fc.integer({ min: 1, max: MAX }).chain((n) => fc.tuple(fc.integer({ min: 1, max: n }), fc.constant(n)));

describe('inclusion proofs from stored subtrees (properties)', () => {
  it('the appender gives the reference root at every size from 0 to 300', () => {
    const fresh = new MemorySubtreeStore();
    for (let n = 0; n <= MAX; n++) expect(fresh.fill(leaves.slice(0, n)).root()).toEqual(roots[n]);
    expect(appender.root()).toEqual(roots[MAX]);
  });

  it('a generated proof verifies against the reference root', () => {
    fc.assert(
      fc.property(treeAndIndex, ([n, index]) => {
        const proof = inclusionProofSync(index, n, store);
        expect(verifyInclusion(leaves[index] as Uint8Array, index, n, proof, roots[n] as Uint8Array)).toEqual({ ok: true });
      }),
    );
  });

  it('the asynchronous source gives the same proof', async () => {
    await fc.assert(
      fc.asyncProperty(treeAndIndex, async ([n, index]) => {
        expect(await inclusionProof(index, n, asyncStore)).toEqual(inclusionProofSync(index, n, store));
      }),
    );
  });

  it('flipping any bit of any proof hash is refused', () => {
    fc.assert(
      fc.property(treeAndIndex, ([n, index]) => {
        const proof = inclusionProofSync(index, n, store);
        for (const bad of tampered(proof)) {
          expect(verifyInclusion(leaves[index] as Uint8Array, index, n, bad, roots[n] as Uint8Array).ok).toBe(false);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('the proof does not hold for a neighbouring index, nor for the neighbouring leaf', () => {
    fc.assert(
      fc.property(treeAndIndex, ([n, index]) => {
        const proof = inclusionProofSync(index, n, store);
        const root = roots[n] as Uint8Array;
        const leaf = leaves[index] as Uint8Array;
        for (const other of [index - 1, index + 1]) {
          expect(verifyInclusion(leaf, other, n, proof, root).ok).toBe(false);
          if (other >= 0 && other < n) expect(verifyInclusion(leaves[other] as Uint8Array, index, n, proof, root).ok).toBe(false);
        }
      }),
    );
  });
});

describe('consistency proofs from stored subtrees (properties)', () => {
  it('a generated proof verifies against the reference roots', () => {
    fc.assert(
      fc.property(twoSizes, ([m, n]) => {
        const proof = consistencyProofSync(m, n, store);
        expect(verifyConsistency(m, n, proof, roots[m] as Uint8Array, roots[n] as Uint8Array)).toEqual({ ok: true });
      }),
    );
  });

  it('the asynchronous source gives the same proof', async () => {
    await fc.assert(
      fc.asyncProperty(twoSizes, async ([m, n]) => {
        expect(await consistencyProof(m, n, asyncStore)).toEqual(consistencyProofSync(m, n, store));
      }),
    );
  });

  it('flipping any bit of any proof hash is refused', () => {
    fc.assert(
      fc.property(twoSizes, ([m, n]) => {
        const proof = consistencyProofSync(m, n, store);
        for (const bad of tampered(proof)) {
          expect(verifyConsistency(m, n, bad, roots[m] as Uint8Array, roots[n] as Uint8Array).ok).toBe(false);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('the proof does not hold for a neighbouring first size, the next tree, swapped roots or another root', () => {
    fc.assert(
      fc.property(twoSizes, ([m, n]) => {
        const proof = consistencyProofSync(m, n, store);
        const [r1, r2] = [roots[m] as Uint8Array, roots[n] as Uint8Array];
        for (const other of [m - 1, m + 1]) expect(verifyConsistency(other, n, proof, r1, r2).ok).toBe(false);
        // A proof to n does not prove the real tree of n + 1 (the same proof with a root merely
        // claimed for n + 1 can hold: hashes do not carry the size of their subtree).
        if (n < MAX) expect(verifyConsistency(m, n + 1, proof, r1, roots[n + 1] as Uint8Array).ok).toBe(false);
        if (m < n) expect(verifyConsistency(m, n, proof, r2, r1).ok).toBe(false);
        const otherRoot = roots[n === MAX ? n - 1 : n + 1] as Uint8Array;
        expect(verifyConsistency(m, n, proof, r1, otherRoot).ok).toBe(false);
      }),
    );
  });
});
