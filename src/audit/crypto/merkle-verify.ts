/**
 * Verification of inclusion and consistency proofs, written after the algorithms of RFC 9162
 * §2.1.3.2 and §2.1.4.2. Everything here comes from outside (a client, an auditor), so every
 * input is checked and every refusal is a value with a stable code; nothing throws. The exact
 * proof length is checked before any hashing, as transparency-dev/merkle does, so a padded or
 * truncated proof is named as such. Positions are safe integers; the bit arithmetic uses BigInt
 * so that sizes beyond 2^32 are handled exactly.
 */
import { refused, VERIFIED, type MerkleVerification } from './merkle-error.js';
import { hashesEqual, isHash, nodeHash } from './merkle-hasher.js';

function bitLength(x: bigint): number {
  let n = 0;
  for (; x > 0n; x >>= 1n) n++;
  return n;
}

function popCount(x: bigint): number {
  let n = 0;
  for (; x > 0n; x >>= 1n) n += Number(x & 1n);
  return n;
}

function trailingZeros(x: bigint): number {
  let n = 0;
  for (; x > 0n && (x & 1n) === 0n; x >>= 1n) n++;
  return n;
}

/** Lengths of an inclusion path's part below and above where the paths of `index` and `size - 1` meet. */
function inclusionShape(index: bigint, size: bigint): { inner: number; border: number } {
  const inner = bitLength(index ^ (size - 1n));
  return { inner, border: popCount(index >> BigInt(inner)) };
}

function isSize(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

function checkHashes(what: string, hashes: readonly unknown[]): MerkleVerification | undefined {
  if (!Array.isArray(hashes)) return refused('invalid_hash_length', `the ${what}s are not a list`);
  const bad = hashes.findIndex((h) => !isHash(h));
  return bad < 0 ? undefined : refused('invalid_hash_length', `${what} ${bad} is not a 32-byte hash`);
}

/**
 * Checks that `leafHash` is leaf `index` of the tree of `treeSize` leaves whose root is `root`,
 * given the inclusion `proof` (RFC 9162 §2.1.3.2). `leafHash` is already `SHA-256(0x00 ‖ leaf)`.
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): MerkleVerification {
  if (!isSize(index) || !isSize(treeSize)) return refused('invalid_size', 'the index and tree size must be non-negative safe integers');
  // RFC 9162 §2.1.3.2 step 1: if leaf_index is greater than or equal to tree_size, fail.
  if (index >= treeSize) return refused('index_out_of_range', 'the index must be below the tree size');
  const badHash = checkHashes('leaf hash', [leafHash]) ?? checkHashes('root', [root]) ?? checkHashes('proof hash', proof);
  if (badHash) return badHash;
  let fn = BigInt(index);
  let sn = BigInt(treeSize) - 1n;
  const { inner, border } = inclusionShape(fn, sn + 1n);
  if (proof.length !== inner + border) return refused('wrong_proof_length', `the proof must have ${inner + border} hashes`);
  // RFC 9162 §2.1.3.2 steps 2-4.
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0n) return refused('wrong_proof_length', 'the proof is longer than the path');
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  // RFC 9162 §2.1.3.2 step 5: sn must be 0 and r must equal root_hash.
  if (sn !== 0n) return refused('wrong_proof_length', 'the proof is shorter than the path');
  return hashesEqual(r, root) ? VERIFIED : refused('root_mismatch', 'the proof does not lead to the root');
}

/**
 * Checks that the tree of `first` leaves with root `firstRoot` is a prefix of the tree of `second`
 * leaves with root `secondRoot`, given the consistency `proof` (RFC 9162 §2.1.4.2).
 */
export function verifyConsistency(
  first: number,
  second: number,
  proof: readonly Uint8Array[],
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
): MerkleVerification {
  if (!isSize(first) || !isSize(second)) return refused('invalid_size', 'the tree sizes must be non-negative safe integers');
  if (first > second) return refused('first_exceeds_second', 'the first tree size must not exceed the second');
  // RFC 9162 §2.1.4.2: verification is defined for 0 < first; every tree extends the empty one,
  // so a "proof" from size 0 proves nothing and is refused rather than vacuously accepted.
  if (first === 0) return refused('empty_first_tree', 'a consistency proof from tree size 0 is not defined');
  if (first === second) return verifySameSize(proof, firstRoot, secondRoot);
  const badHash = checkHashes('first root', [firstRoot]) ?? checkHashes('second root', [secondRoot]) ?? checkHashes('proof hash', proof);
  if (badHash) return badHash;
  // RFC 9162 §2.1.4.2 step 1: an empty consistency_path fails.
  if (proof.length === 0) return refused('wrong_proof_length', 'the proof is empty');
  const expected = consistencyProofLength(BigInt(first), BigInt(second));
  if (proof.length !== expected) return refused('wrong_proof_length', `the proof must have ${expected} hashes`);
  return chainConsistency(BigInt(first), BigInt(second), proof, firstRoot, secondRoot);
}

/**
 * Equal sizes are consistent exactly when the roots are equal, with an empty proof. The roots are
 * compared before any length check, as transparency-dev/merkle does (vector
 * `sizes-are-equal-one-and-proof-is-empty` expects success with equal 12-byte "roots"): identical
 * inputs are trivially consistent, and nothing is computed from them.
 */
function verifySameSize(proof: readonly Uint8Array[], firstRoot: Uint8Array, secondRoot: Uint8Array): MerkleVerification {
  if (proof.length !== 0) return refused('wrong_proof_length', 'equal tree sizes need an empty proof');
  if (!(firstRoot instanceof Uint8Array) || !(secondRoot instanceof Uint8Array))
    return refused('invalid_hash_length', 'a root is not bytes');
  return hashesEqual(firstRoot, secondRoot) ? VERIFIED : refused('root_mismatch', 'equal tree sizes with different roots');
}

/** The proof length for 0 < first < second: the suffix of the inclusion path of leaf `first - 1`. */
function consistencyProofLength(first: bigint, second: bigint): number {
  const { inner, border } = inclusionShape(first - 1n, second);
  const shift = trailingZeros(first);
  // RFC 9162 §2.1.4.2 step 2: when first is a power of two, first_hash itself starts the path.
  const seeded = first === 1n << BigInt(shift) ? 0 : 1;
  return seeded + inner - shift + border;
}

function chainConsistency(
  first: bigint,
  second: bigint,
  proof: readonly Uint8Array[],
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
): MerkleVerification {
  // RFC 9162 §2.1.4.2 step 2: if first is an exact power of 2, prepend first_hash to the path.
  const path = (first & (first - 1n)) === 0n ? [firstRoot, ...proof] : proof;
  // Step 3: fn = first - 1, sn = second - 1. Step 4: shift both right while LSB(fn) is set.
  let fn = first - 1n;
  let sn = second - 1n;
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  // Step 5: fr and sr both start at the first value of the path.
  let fr = path[0] as Uint8Array;
  let sr = fr;
  // Step 6: chain every subsequent value c.
  for (const c of path.slice(1)) {
    if (sn === 0n) return refused('wrong_proof_length', 'the proof is longer than the path');
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  // Step 7: fr must equal first_hash, sr must equal second_hash, and sn must be 0.
  if (sn !== 0n) return refused('wrong_proof_length', 'the proof is shorter than the path');
  if (!hashesEqual(fr, firstRoot)) return refused('root_mismatch', 'the proof does not lead to the first root');
  if (!hashesEqual(sr, secondRoot)) return refused('root_mismatch', 'the proof does not lead to the second root');
  return VERIFIED;
}
