/**
 * Refusals of the C2SP signed-note, vkey and tlog-checkpoint code, as stable codes. Notes and
 * checkpoints arrive from outside, so reading them returns a value; only misuse by the caller
 * (signing malformed text, a key of the wrong type) throws {@link NoteError}.
 */

/** A stable reason; the codes are the contract, the detail text is for people. */
export type NoteErrorCode =
  /** The note is larger than {@link MAX_NOTE_BYTES}. */
  | 'note_too_large'
  /** The bytes are not UTF-8, or the string holds a lone surrogate. */
  | 'not_utf8'
  /** An ASCII control character other than newline (tab and CR included). */
  | 'control_character'
  /** No blank line separates the text from the signatures. */
  | 'missing_blank_line'
  /** Nothing follows the blank line. */
  | 'missing_signature'
  /** A signature line is not `— <name> <base64>` with single spaces and a final newline. */
  | 'malformed_signature_line'
  /** A key name is empty or holds a Unicode space or `+`. */
  | 'invalid_key_name'
  /** A signature is not canonical base64, is shorter than a key ID, or has the wrong length for its key. */
  | 'malformed_signature'
  /** More signatures than {@link MAX_NOTE_SIGNATURES}. */
  | 'too_many_signatures'
  /** Two signatures name the same key. */
  | 'duplicate_signature'
  /** A signature by a known key does not verify: the note is rejected as a whole. */
  | 'invalid_signature'
  /** A known key made the signature but the line (or vkey) gives another key ID. */
  | 'key_id_mismatch'
  /** No signature is from a known key. */
  | 'unknown_key'
  /** A vkey is not `<name>+<8 hex>+<base64>`, or its key is not 32 bytes. */
  | 'malformed_vkey'
  /** A vkey's signature type is not Ed25519 (0x01). */
  | 'unsupported_key_type'
  /** A KeyObject given to sign or verify is not an Ed25519 key of the right kind. */
  | 'invalid_key'
  /** A note text or checkpoint does not end in a newline. */
  | 'missing_final_newline'
  /** A checkpoint has fewer than three lines. */
  | 'malformed_checkpoint'
  /** A checkpoint origin is empty or holds a newline. */
  | 'invalid_origin'
  /** A tree size is not ASCII decimal without leading zeros, or is beyond 2^53 - 1. */
  | 'invalid_tree_size'
  /** A root hash is not the canonical base64 of 32 bytes. */
  | 'invalid_root_hash'
  /** An extension line is empty. */
  | 'invalid_extension_line'
  /** The checkpoint is for another log than the one expected. */
  | 'origin_mismatch';

/** A refusal value. */
export interface NoteRefusal {
  readonly ok: false;
  readonly code: NoteErrorCode;
  readonly detail: string;
}

/** Thrown on misuse by the caller; never on input read from outside. */
export class NoteError extends Error {
  readonly code: NoteErrorCode;

  constructor(code: NoteErrorCode, detail: string) {
    super(`${code}: ${detail}`);
    this.name = 'NoteError';
    this.code = code;
  }
}

/** A refusal value with its code and a detail that holds no input text. */
export function noteRefusal(code: NoteErrorCode, detail: string): NoteRefusal {
  return { ok: false, code, detail };
}
