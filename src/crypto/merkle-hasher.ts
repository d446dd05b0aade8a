/**
 * RFC 9162 §2.1 hashing with SHA-256: the domain-separated leaf and node hashes and the Merkle
 * Tree Hash of a whole list. Every other part of the audit log's Merkle core is built on these
 * three functions, so they are kept tiny and tested against the published vectors.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-256 output length: every leaf, node and root hash has exactly this many bytes. */
export const HASH_SIZE = 32;

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

function sha256(...parts: readonly Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

/** `MTH({})`: the hash of an empty tree, SHA-256 of the empty string (RFC 9162 §2.1.1). */
export function emptyRoot(): Uint8Array {
  return sha256();
}

/** The leaf hash `SHA-256(0x00 ‖ data)` (RFC 9162 §2.1.1). */
export function leafHash(data: Uint8Array): Uint8Array {
  // RFC 9162 §2.1.1: MTH({d(0)}) = HASH(0x00 || d(0)).
  return sha256(LEAF_PREFIX, data);
}

/** The interior node hash `SHA-256(0x01 ‖ left ‖ right)` (RFC 9162 §2.1.1). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  // RFC 9162 §2.1.1: MTH(D[n]) = HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n])).
  return sha256(NODE_PREFIX, left, right);
}

/** True when `value` is a 32-byte hash. */
export function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_SIZE;
}

/**
 * Constant-time equality of two byte strings; different lengths are unequal (and that length is
 * not secret). Use it wherever a computed hash is compared with one received from outside.
 */
export function hashesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The largest power of two strictly below `n` (n ≥ 2): the split point `k` of RFC 9162 §2.1.1. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * `MTH(D[n])` over leaf hashes already computed with {@link leafHash} (RFC 9162 §2.1.1). It reads
 * every hash, so it is the literal reference for tests and small trees; a log keeps a
 * {@link CompactRange} instead and never rereads its leaves.
 */
export function rootFromLeafHashes(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return emptyRoot();
  return mth(hashes, 0, hashes.length);
}

function mth(hashes: readonly Uint8Array[], start: number, end: number): Uint8Array {
  const n = end - start;
  if (n === 1) return hashes[start] as Uint8Array;
  // RFC 9162 §2.1.1: k is the largest power of two smaller than n.
  const k = splitPoint(n);
  return nodeHash(mth(hashes, start, start + k), mth(hashes, start + k, end));
}
