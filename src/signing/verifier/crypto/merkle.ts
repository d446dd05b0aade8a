/**
 * RFC 9162 §2.1 Merkle tree hashing and §2.1.3.2 inclusion-proof verification, dependency-free
 * (node:crypto only), for the offline check that a signature's log entry is in the audit tree.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** RFC 9162 §2.1.1: the hash of a leaf, SHA-256(0x00 ‖ leaf). */
export function leafHash(leaf: Uint8Array): Buffer {
  return createHash('sha256').update(Buffer.of(0)).update(leaf).digest();
}

function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(Buffer.of(1)).update(left).update(right).digest();
}

/** The SHA-256 of `bytes`. */
export function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/** Equal 32-byte hashes, compared in constant time. */
export function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === 32 && b.length === 32 && timingSafeEqual(a, b);
}

/**
 * RFC 9162 §2.1.3.2: whether `proof` proves that `hash` is leaf `index` of the tree of `size`
 * leaves whose root is `root`. Sizes beyond 2^53 are refused (numbers, not shifts: the indices
 * outgrow 32-bit shift operators long before that).
 */
export function verifyInclusion(index: number, size: number, hash: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false; // step 1
  let fn = index; // step 2
  let sn = size - 1;
  let r: Uint8Array = hash; // step 3
  for (const p of proof) {
    if (p.length !== 32 || sn === 0) return false; // step 4a
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r); // step 4b i
      if (fn % 2 === 0) {
        // step 4b ii: right-shift both until LSB(fn) is set or fn is 0
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2); // step 4c
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && sameHash(r, root); // step 5
}
