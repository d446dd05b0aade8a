/**
 * Verification refuses attacker input with a stable code and never throws: each refusal the
 * brief names (sizes, hash lengths, proof lengths, size 0, order of sizes) is checked by its code.
 */
import { describe, expect, it } from 'vitest';
import {
  consistencyProofSync,
  inclusionProofSync,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/audit/crypto/merkle.js';
import { MemorySubtreeStore, syntheticLeaf } from './merkle-test-helpers.js';

const leaves = Array.from({ length: 11 }, (_, i) => syntheticLeaf(i));
const store = new MemorySubtreeStore();
store.fill(leaves);
const root = (n: number): Uint8Array => rootFromLeafHashes(leaves.slice(0, n));
const leaf = leaves[6] as Uint8Array;
const proof = inclusionProofSync(6, 11, store);
const cproof = consistencyProofSync(6, 11, store);

describe('inclusion verification refuses', () => {
  it('an index at or beyond the tree size (RFC 9162 §2.1.3.2 step 1): index_out_of_range', () => {
    expect(verifyInclusion(leaf, 11, 11, proof, root(11))).toMatchObject({ ok: false, code: 'index_out_of_range' });
    expect(verifyInclusion(leaf, 0, 0, [], root(0))).toMatchObject({ ok: false, code: 'index_out_of_range' });
  });

  it('a negative, fractional, NaN or unsafe position: invalid_size', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 64]) {
      expect(verifyInclusion(leaf, bad, 11, proof, root(11))).toMatchObject({ ok: false, code: 'invalid_size' });
      expect(verifyInclusion(leaf, 6, bad, proof, root(11))).toMatchObject({ ok: false, code: 'invalid_size' });
    }
  });

  it('a leaf hash, root or proof hash that is not 32 bytes: invalid_hash_length', () => {
    expect(verifyInclusion(leaf.subarray(1), 6, 11, proof, root(11))).toMatchObject({ code: 'invalid_hash_length' });
    expect(verifyInclusion(leaf, 6, 11, proof, new Uint8Array(33))).toMatchObject({ code: 'invalid_hash_length' });
    expect(verifyInclusion(leaf, 6, 11, [...proof.slice(1), new Uint8Array(0)], root(11))).toMatchObject({ code: 'invalid_hash_length' });
  });

  it('a proof one hash too long or too short: wrong_proof_length', () => {
    expect(verifyInclusion(leaf, 6, 11, [...proof, leaf], root(11))).toMatchObject({ code: 'wrong_proof_length' });
    expect(verifyInclusion(leaf, 6, 11, proof.slice(1), root(11))).toMatchObject({ code: 'wrong_proof_length' });
  });

  it('a proof for another root: root_mismatch', () => {
    expect(verifyInclusion(leaf, 6, 11, proof, root(10))).toMatchObject({ code: 'root_mismatch' });
  });

  it('values that are not bytes, without throwing', () => {
    const notBytes = 'a string' as unknown as Uint8Array;
    expect(verifyInclusion(notBytes, 6, 11, proof, root(11))).toMatchObject({ ok: false, code: 'invalid_hash_length' });
    expect(verifyConsistency(6, 6, [], notBytes, notBytes)).toMatchObject({ ok: false, code: 'invalid_hash_length' });
  });
});

describe('consistency verification refuses', () => {
  it('a proof from size 0, even between equal sizes (RFC 9162 §2.1.4.2: 0 < first): empty_first_tree', () => {
    expect(verifyConsistency(0, 11, cproof, root(0), root(11))).toMatchObject({ code: 'empty_first_tree' });
    expect(verifyConsistency(0, 0, [], root(0), root(0))).toMatchObject({ code: 'empty_first_tree' });
  });

  it('a first size above the second: first_exceeds_second', () => {
    expect(verifyConsistency(11, 6, cproof, root(11), root(6))).toMatchObject({ code: 'first_exceeds_second' });
  });

  it('equal sizes with a proof, or with different roots', () => {
    expect(verifyConsistency(6, 6, [leaf], root(6), root(6))).toMatchObject({ code: 'wrong_proof_length' });
    expect(verifyConsistency(6, 6, [], root(6), root(7))).toMatchObject({ code: 'root_mismatch' });
    expect(verifyConsistency(6, 6, [], root(6), root(6))).toEqual({ ok: true });
  });

  it('roots or proof hashes that are not 32 bytes: invalid_hash_length', () => {
    expect(verifyConsistency(6, 11, cproof, root(6).subarray(0, 31), root(11))).toMatchObject({ code: 'invalid_hash_length' });
    expect(verifyConsistency(6, 11, cproof, root(6), new Uint8Array(64))).toMatchObject({ code: 'invalid_hash_length' });
    expect(verifyConsistency(6, 11, [new Uint8Array(31), ...cproof.slice(1)], root(6), root(11))).toMatchObject({
      code: 'invalid_hash_length',
    });
  });

  it('an empty, padded or truncated proof: wrong_proof_length', () => {
    expect(verifyConsistency(6, 11, [], root(6), root(11))).toMatchObject({ code: 'wrong_proof_length' });
    expect(verifyConsistency(6, 11, [...cproof, leaf], root(6), root(11))).toMatchObject({ code: 'wrong_proof_length' });
    expect(verifyConsistency(6, 11, cproof.slice(1), root(6), root(11))).toMatchObject({ code: 'wrong_proof_length' });
  });

  it('a proof to another root: root_mismatch', () => {
    expect(verifyConsistency(6, 11, cproof, root(6), root(10))).toMatchObject({ code: 'root_mismatch' });
    expect(verifyConsistency(6, 11, cproof, root(5), root(11))).toMatchObject({ code: 'root_mismatch' });
  });
});

describe('verification never throws on malformed input', () => {
  it('a proof that is not a list is refused with a code', () => {
    const notAList = { length: 1 } as unknown as Uint8Array[];
    expect(verifyInclusion(leaf, 6, 11, notAList, root(11))).toMatchObject({ ok: false, code: 'invalid_hash_length' });
    expect(verifyConsistency(6, 11, notAList, root(6), root(11))).toMatchObject({ ok: false, code: 'invalid_hash_length' });
  });
});
