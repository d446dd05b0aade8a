/**
 * C2SP tlog-checkpoint: the note text that states a log's tree head —
 * `<origin>\n<size>\n<base64 root>\n` and optional extension lines — formatted and parsed
 * exactly, so that one tree head has one spelling and a malformed one is refused with a code.
 */
import { HASH_SIZE } from './merkle-hasher.js';
import { NoteError, noteRefusal, type NoteRefusal } from './note-error.js';
import { textProblem } from './note-text.js';
import { decodeStrictBase64, encodeBase64 } from '../../kernel/crypto/strict-base64.js';

/** A log's tree head as a checkpoint states it. */
export interface Checkpoint {
  /** The log's identity, e.g. `rampart.example.com/audit`. */
  readonly origin: string;
  /** The number of leaves. */
  readonly size: number;
  /** `MTH` of the first `size` leaves (RFC 9162 §2.1.1), 32 bytes. */
  readonly rootHash: Uint8Array;
  /** Opaque extension lines, each non-empty; C2SP recommends none. */
  readonly extensions: readonly string[];
}

/** A parsed checkpoint, or a refusal. */
export type ParseCheckpointResult = { readonly ok: true; readonly checkpoint: Checkpoint } | NoteRefusal;

// C2SP tlog-checkpoint: the tree size is "ASCII decimal ... with no leading zeroes".
const TREE_SIZE = /^(?:0|[1-9][0-9]*)$/;

/** Reads a checkpoint note text (already opened with `openNote`). */
export function parseCheckpoint(text: string): ParseCheckpointResult {
  if (typeof text !== 'string') return noteRefusal('malformed_checkpoint', 'a checkpoint is a string');
  const problem = textProblem(text);
  if (problem) return problem;
  if (!text.endsWith('\n')) return noteRefusal('missing_final_newline', 'a checkpoint ends in a newline');
  // C2SP tlog-checkpoint: "a sequence of at least three non-empty lines, separated by newlines".
  const [origin, size, root, ...extensions] = text.slice(0, -1).split('\n');
  if (origin === undefined || size === undefined || root === undefined) {
    return noteRefusal('malformed_checkpoint', 'a checkpoint has an origin, a size and a root hash line');
  }
  if (origin === '') return noteRefusal('invalid_origin', 'the origin is empty');
  if (!TREE_SIZE.test(size)) return noteRefusal('invalid_tree_size', 'the tree size is decimal without leading zeros');
  const treeSize = Number(size);
  if (!Number.isSafeInteger(treeSize)) return noteRefusal('invalid_tree_size', 'the tree size is beyond 2^53 - 1');
  const rootHash = decodeStrictBase64(root);
  if (rootHash === undefined || rootHash.length !== HASH_SIZE)
    return noteRefusal('invalid_root_hash', 'the root hash is the base64 of 32 bytes');
  // C2SP tlog-checkpoint: "Extension lines, if any, MUST be non-empty."
  if (extensions.some((line) => line === '')) return noteRefusal('invalid_extension_line', 'an extension line is empty');
  return { ok: true, checkpoint: Object.freeze({ origin, size: treeSize, rootHash, extensions: Object.freeze(extensions) }) };
}

/** The note text of a checkpoint. Throws {@link NoteError} on a value that could not be read back. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, rootHash, extensions } = checkpoint;
  if (typeof origin !== 'string' || origin === '' || origin.includes('\n'))
    throw new NoteError('invalid_origin', 'the origin is one non-empty line');
  if (!Number.isSafeInteger(size) || size < 0) throw new NoteError('invalid_tree_size', 'the tree size is a non-negative safe integer');
  if (!(rootHash instanceof Uint8Array) || rootHash.length !== HASH_SIZE)
    throw new NoteError('invalid_root_hash', 'the root hash is 32 bytes');
  if (extensions.some((line) => typeof line !== 'string' || line === '' || line.includes('\n'))) {
    throw new NoteError('invalid_extension_line', 'an extension line is one non-empty line');
  }
  const text = [origin, String(size), encodeBase64(rootHash), ...extensions].map((line) => `${line}\n`).join('');
  const problem = textProblem(text);
  if (problem) throw new NoteError(problem.code, problem.detail);
  return text;
}
