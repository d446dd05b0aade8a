/**
 * RFC 9162 §2.1 hashing with SHA-256: the domain-separated leaf and node hashes and the Merkle
 * Tree Hash of a whole list. Every other part of the audit log's Merkle core is built on these
 * three functions, so they are kept tiny and tested against the published vectors.
 */
import { hash, timingSafeEqual } from 'node:crypto';

/** SHA-256 output length: every leaf, node and root hash has exactly this many bytes. */
export const HASH_SIZE = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/** SHA-256 of `data` as a plain Uint8Array (`crypto.hash`: one call, no Hash object per digest). */
function sha256(data: Uint8Array | string): Uint8Array {
  const digest = hash('sha256', data, 'buffer');
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.length);
}

/** `MTH({})`: the hash of an empty tree, SHA-256 of the empty string (RFC 9162 §2.1.1). */
export function emptyRoot(): Uint8Array {
  return sha256(new Uint8Array(0));
}

/** The leaf hash `SHA-256(0x00 ‖ data)` (RFC 9162 §2.1.1). */
export function leafHash(data: Uint8Array): Uint8Array {
  // RFC 9162 §2.1.1: MTH({d(0)}) = HASH(0x00 || d(0)).
  const input = new Uint8Array(1 + data.length);
  input[0] = LEAF_PREFIX;
  input.set(data, 1);
  return sha256(input);
}

/** {@link leafHash} of the UTF-8 bytes of `text`, without copying them first. */
export function leafHashOfText(text: string): Uint8Array {
  // U+0000 is the one byte 0x00 in UTF-8.
  return sha256(`\u0000${text}`);
}

/** The interior node hash `SHA-256(0x01 ‖ left ‖ right)` (RFC 9162 §2.1.1). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  // RFC 9162 §2.1.1: MTH(D[n]) = HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n])).
  const input = new Uint8Array(1 + left.length + right.length);
  input[0] = NODE_PREFIX;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return sha256(input);
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
