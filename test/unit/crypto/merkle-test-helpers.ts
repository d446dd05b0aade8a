/**
 * Test doubles for the Merkle core: the published vectors, an in-memory subtree store filled by
 * the appender (what the SQL adapter will do), and lazy synthetic sources that count lookups.
 */
import { readFileSync } from 'node:fs';
import { CompactRange, isAlignedSubtree, leafHash, nodeHash, type SyncSubtreeSource } from '../../../src/audit/crypto/merkle.js';

export interface InclusionCase {
  readonly file: string;
  readonly leafIdx: number;
  readonly treeSize: number;
  readonly root: string;
  readonly leafHash: string;
  readonly proof: readonly string[];
  readonly desc: string;
  readonly wantErr: boolean;
}

export interface ConsistencyCase {
  readonly file: string;
  readonly size1: number;
  readonly size2: number;
  readonly root1: string;
  readonly root2: string;
  readonly proof: readonly string[];
  readonly desc: string;
  readonly wantErr: boolean;
}

export interface MerkleVectors {
  readonly source: string;
  readonly hasher: Readonly<
    Record<'empty_tree_root' | 'leaf_hash_of_empty' | 'leaf_hash_of_ascii_L123456' | 'node_hash_of_ascii_N123_and_N456', string>
  >;
  readonly tree: {
    readonly leaf_inputs_hex: readonly string[];
    readonly root_by_size: readonly string[];
    readonly node_hashes_by_level: readonly (readonly string[])[];
  };
  readonly accumulated_large_tree: { readonly want_sha256: string };
  readonly inclusion: readonly InclusionCase[];
  readonly consistency: readonly ConsistencyCase[];
  readonly signed_note_example: { readonly vkey: string; readonly note_text: string; readonly signed_note: string };
}

export const vectors = JSON.parse(
  readFileSync(new URL('../../fixtures/vectors/rfc9162-merkle.json', import.meta.url), 'utf8'),
) as MerkleVectors;

export const fromHex = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));
export const fromBase64 = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));
export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
export const ascii = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));

/** Leaf `i` of the synthetic logs: its index as 8 big-endian bytes. */
export function syntheticLeaf(i: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(i));
  return leafHash(bytes);
}

/** The store the SQL adapter will be: every subtree the appender emits, and nothing else. */
export class MemorySubtreeStore implements SyncSubtreeSource {
  readonly #hashes = new Map<string, Uint8Array>();
  calls = 0;

  subtree(start: number, size: number): Uint8Array {
    this.calls++;
    if (!isAlignedSubtree(start, size)) throw new Error(`asked for an unaligned subtree ${start}+${size}`);
    const hash = this.#hashes.get(`${start}+${size}`);
    if (hash === undefined) throw new Error(`asked for a subtree that was never stored: ${start}+${size}`);
    return hash;
  }

  /** Appends every leaf hash through a fresh appender, storing what it emits; returns the appender. */
  fill(leafHashes: readonly Uint8Array[]): CompactRange {
    const range = CompactRange.empty();
    for (const leaf of leafHashes) for (const done of range.append(leaf)) this.#hashes.set(`${done.start}+${done.size}`, done.hash);
    return range;
  }

  get stored(): number {
    return this.#hashes.size;
  }
}

/**
 * A lazy source over the synthetic leaves {@link syntheticLeaf}: it computes a subtree by
 * recursion with memoisation, only when asked, and counts the lookups proof generation makes.
 */
export class LazySyntheticSource implements SyncSubtreeSource {
  readonly #memo = new Map<string, Uint8Array>();
  calls = 0;

  subtree(start: number, size: number): Uint8Array {
    this.calls++;
    if (!isAlignedSubtree(start, size)) throw new Error(`asked for an unaligned subtree ${start}+${size}`);
    return this.#hash(start, size);
  }

  #hash(start: number, size: number): Uint8Array {
    if (size === 1) return syntheticLeaf(start);
    const key = `${start}+${size}`;
    let hash = this.#memo.get(key);
    if (hash === undefined) {
      hash = nodeHash(this.#hash(start, size / 2), this.#hash(start + size / 2, size / 2));
      this.#memo.set(key, hash);
    }
    return hash;
  }
}

/**
 * A source over a huge log whose leaves are all the same entry: a complete subtree's hash then
 * depends only on its size, so a tree of 2^40 leaves costs 40 hashes. It exercises positions
 * beyond 32 bits; the independent root is the RFC's recursion memoised on the size.
 */
export class UniformSource implements SyncSubtreeSource {
  readonly #byLevel: Uint8Array[] = [leafHash(new Uint8Array(0))];
  readonly #roots = new Map<number, Uint8Array>();
  calls = 0;

  subtree(start: number, size: number): Uint8Array {
    this.calls++;
    if (!isAlignedSubtree(start, size)) throw new Error(`asked for an unaligned subtree ${start}+${size}`);
    let level = 0;
    for (let s = 1; s < size; s *= 2) level++;
    while (this.#byLevel.length <= level) {
      const below = this.#byLevel[this.#byLevel.length - 1] as Uint8Array;
      this.#byLevel.push(nodeHash(below, below));
    }
    return this.#byLevel[level] as Uint8Array;
  }

  /** `MTH` of `n` identical leaves by RFC 9162 §2.1.1's recursion, independent of the generator. */
  root(n: number): Uint8Array {
    if (n === 1) return this.#byLevel[0] as Uint8Array;
    const known = this.#roots.get(n);
    if (known) return known;
    let k = 1;
    while (k * 2 < n) k *= 2;
    const root = nodeHash(this.root(k), this.root(n - k));
    this.#roots.set(n, root);
    return root;
  }
}

/** The bound the brief sets for one proof: 2·⌈log2 n⌉ + 2 lookups. */
export function lookupBound(n: number): number {
  let ceilLog = 0;
  while (2 ** ceilLog < n) ceilLog++;
  return 2 * ceilLog + 2;
}
