/**
 * C2SP signed-note with Ed25519: signing a text, and opening a note against trusted verifiers.
 * Checkpoints of the audit log travel in this format, so opening follows the spec's trust rules
 * to the letter — signatures from unknown keys are ignored, a bad signature from a known key
 * rejects the whole note, a note no known key verifies is rejected — and every refusal carries a
 * code. The vkey and tlog-checkpoint parts are exported from here as well.
 */
import { NoteError, noteRefusal, type NoteRefusal } from './note-error.js';
import { ED25519_SIGNATURE_SIZE, isValidKeyName, signEd25519, verifyEd25519, type NoteSigner, type NoteVerifier } from './note-key.js';
import { decodeNote, textProblem } from './note-text.js';
import { decodeStrictBase64, encodeBase64 } from '../../kernel/crypto/strict-base64.js';
import { parseCheckpoint, type Checkpoint } from './tlog-checkpoint.js';

export { NoteError, type NoteErrorCode, type NoteRefusal } from './note-error.js';
export {
  ED25519_SIGNATURE_TYPE,
  formatKeyId,
  isValidKeyName,
  noteKeyId,
  noteSigner,
  noteVerifier,
  parseVkey,
  vkey,
  type NoteSigner,
  type NoteVerifier,
  type ParseVkeyResult,
} from './note-key.js';
export { MAX_NOTE_BYTES } from './note-text.js';
export { formatCheckpoint, parseCheckpoint, type Checkpoint, type ParseCheckpointResult } from './tlog-checkpoint.js';

/** C2SP signed-note: verifiers "MUST accept at least up to 16 signatures"; more are refused. */
export const MAX_NOTE_SIGNATURES = 16;

// C2SP signed-note, "Format": em dash (U+2014), space, key name, space, base64 signature, newline.
const SIGNATURE_PREFIX = '\u2014 ';
const KEY_ID_SIZE = 4;

/** Which key a signature line names. */
export interface NoteSignatureRef {
  readonly name: string;
  readonly keyId: number;
}

/** An opened note: its text and which keys signed it. */
export interface OpenedNote {
  /** The note text, final newline included. */
  readonly text: string;
  /** The known keys whose signatures verified (at least one). */
  readonly verified: readonly NoteSignatureRef[];
  /** Signatures by keys not among the verifiers, ignored as the spec requires. */
  readonly unknown: readonly NoteSignatureRef[];
}

/** The outcome of {@link openNote}; a refusal also lists the unknown signers it saw. */
export type OpenNoteResult = { readonly ok: true; readonly note: OpenedNote } | NoteOpenRefusal;

interface ParsedSignature extends NoteSignatureRef {
  readonly signature: Uint8Array;
}

const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));

function sameKey(a: NoteSignatureRef, b: NoteSignatureRef): boolean {
  return a.name === b.name && a.keyId === b.keyId;
}

/**
 * Signs `text` (which must end in a newline) with each signer and returns the signed note.
 * Throws {@link NoteError} on text a reader would refuse, or on no, too many or repeated signers.
 */
export function signNote(text: string, signers: NoteSigner | readonly NoteSigner[]): string {
  const all: readonly NoteSigner[] = Array.isArray(signers) ? signers : [signers as NoteSigner];
  const problem = typeof text === 'string' ? textProblem(text) : noteRefusal('not_utf8', 'the text is a string');
  if (problem) throw new NoteError(problem.code, problem.detail);
  // C2SP signed-note: "a text ending in newline (U+000A)".
  if (!text.endsWith('\n')) throw new NoteError('missing_final_newline', 'the note text ends in a newline');
  if (all.length === 0) throw new NoteError('missing_signature', 'at least one signer is needed');
  if (all.length > MAX_NOTE_SIGNATURES) throw new NoteError('too_many_signatures', `at most ${MAX_NOTE_SIGNATURES} signers`);
  if (all.some((s, i) => all.findIndex((t) => sameKey(s, t)) !== i)) throw new NoteError('duplicate_signature', 'a key signs once');
  const message = utf8(text);
  const lines = all.map((signer) => {
    if (!isValidKeyName(signer.name)) throw new NoteError('invalid_key_name', 'a key name is non-empty, without spaces or +');
    const payload = new Uint8Array(KEY_ID_SIZE + ED25519_SIGNATURE_SIZE);
    // C2SP signed-note: "The first four bytes in the signature are the uint32 key ID stored in big-endian order."
    new DataView(payload.buffer).setUint32(0, signer.keyId);
    payload.set(signEd25519(message, signer), KEY_ID_SIZE);
    return `${SIGNATURE_PREFIX}${signer.name} ${encodeBase64(payload)}\n`;
  });
  // C2SP signed-note: the text, "followed by a blank line (only a newline), followed by one or more signature lines".
  return `${text}\n${lines.join('')}`;
}

type Split = { readonly text: string; readonly signatures: readonly ParsedSignature[] };

/** Splits a decoded note into its text and its parsed signature lines, or refuses it. */
function splitNote(note: string): Split | NoteRefusal {
  const problem = textProblem(note);
  if (problem) return problem;
  // C2SP signed-note: "the text is separated from the signatures by the last empty line in the note".
  const blank = note.lastIndexOf('\n\n');
  if (blank < 0) return noteRefusal('missing_blank_line', 'no blank line before the signatures');
  const block = note.slice(blank + 2);
  if (block === '') return noteRefusal('missing_signature', 'no signature follows the blank line');
  if (!block.endsWith('\n')) return noteRefusal('malformed_signature_line', 'the last signature line does not end in a newline');
  const lines = block.slice(0, -1).split('\n');
  // C2SP signed-note: "Verifiers SHOULD apply a maximum limit to the number of signatures".
  if (lines.length > MAX_NOTE_SIGNATURES) return noteRefusal('too_many_signatures', `at most ${MAX_NOTE_SIGNATURES} signatures`);
  const signatures: ParsedSignature[] = [];
  for (const [i, line] of lines.entries()) {
    const parsed = parseSignatureLine(line, i);
    if (!('signature' in parsed)) return parsed;
    if (signatures.some((s) => sameKey(s, parsed))) return noteRefusal('duplicate_signature', `signature line ${i + 1} repeats a key`);
    signatures.push(parsed);
  }
  return { text: note.slice(0, blank + 1), signatures };
}

function parseSignatureLine(line: string, i: number): ParsedSignature | NoteRefusal {
  // Exactly "— <name> <base64>": any other spacing is refused, never trimmed.
  const parts = line.startsWith(SIGNATURE_PREFIX) ? line.slice(SIGNATURE_PREFIX.length).split(' ') : [];
  const [name, base64] = parts;
  if (parts.length !== 2 || name === undefined || base64 === undefined || base64 === '') {
    return noteRefusal('malformed_signature_line', `signature line ${i + 1} is not "— <name> <signature>"`);
  }
  // C2SP signed-note: "Key names MUST be non-empty and MUST NOT contain any Unicode spaces or plus (U+002B)".
  if (!isValidKeyName(name)) return noteRefusal('invalid_key_name', `signature line ${i + 1} has an invalid key name`);
  const payload = decodeStrictBase64(base64);
  // C2SP signed-note: "Signatures are the base64 encoding of 4+n bytes"; n = 0 signs nothing.
  if (payload === undefined || payload.length <= KEY_ID_SIZE) {
    return noteRefusal('malformed_signature', `signature line ${i + 1} is not the base64 of a key id and a signature`);
  }
  const keyId = new DataView(payload.buffer, payload.byteOffset).getUint32(0);
  return { name, keyId, signature: payload.subarray(KEY_ID_SIZE) };
}

/** A refusal of a note, with the unknown signers seen before it. */
export type NoteOpenRefusal = NoteRefusal & { readonly unknown: readonly NoteSignatureRef[] };

const withUnknown = (refusal: NoteRefusal, unknown: readonly NoteSignatureRef[]): NoteOpenRefusal => ({ ...refusal, unknown });

/**
 * Opens a signed note (a string, or bytes that must be UTF-8) against the trusted `verifiers`:
 * the text is returned only when at least one known key verified it and no known key's
 * signature failed. Unknown signers are listed apart from the refusal reasons.
 */
export function openNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): OpenNoteResult {
  const decoded = decodeNote(note);
  if (typeof decoded !== 'string') return withUnknown(decoded, []);
  const split = splitNote(decoded);
  if ('ok' in split) return withUnknown(split, []);
  const message = utf8(split.text);
  const verified: NoteSignatureRef[] = [];
  const unknown: NoteSignatureRef[] = [];
  for (const [i, sig] of split.signatures.entries()) {
    const ref = { name: sig.name, keyId: sig.keyId };
    // C2SP signed-note: "Verifiers MUST ignore signatures from unknown keys, even if they share a name or ID (but not both)".
    const verifier = verifiers.find((v) => sameKey(v, sig));
    if (verifier === undefined) {
      unknown.push(ref);
      continue;
    }
    if (sig.signature.length !== ED25519_SIGNATURE_SIZE) {
      return withUnknown(noteRefusal('malformed_signature', `signature ${i + 1} is not a 64-byte Ed25519 signature`), unknown);
    }
    // C2SP signed-note: "If a signature from a known key fails to verify, clients SHOULD reject the whole note."
    if (!verifyEd25519(message, sig.signature, verifier)) {
      return withUnknown(noteRefusal('invalid_signature', `signature ${i + 1} by a known key does not verify`), unknown);
    }
    verified.push(ref);
  }
  // C2SP signed-note: "If no signature from a known key verifies successfully, clients MUST reject the note."
  if (verified.length === 0) return withUnknown(whyUnverified(message, split.signatures, verifiers), unknown);
  return { ok: true, note: Object.freeze({ text: split.text, verified: Object.freeze(verified), unknown: Object.freeze(unknown) }) };
}

/**
 * The reason a note has no known signature. It is still refused either way; when a trusted key of
 * the same name did make a signature filed under another key ID, the reason says so, since that is
 * a signer's bug rather than a stranger's note.
 */
function whyUnverified(message: Uint8Array, signatures: readonly ParsedSignature[], verifiers: readonly NoteVerifier[]): NoteRefusal {
  const misfiled = signatures.some((sig) => verifiers.some((v) => v.name === sig.name && verifyEd25519(message, sig.signature, v)));
  return misfiled
    ? noteRefusal('key_id_mismatch', 'a trusted key signed the note under another key id')
    : noteRefusal('unknown_key', 'no signature is from a trusted key');
}

/** The outcome of {@link openCheckpoint}. */
export type OpenCheckpointResult = { readonly ok: true; readonly checkpoint: Checkpoint; readonly note: OpenedNote } | NoteOpenRefusal;

/**
 * Opens a signed checkpoint of the log `origin`: the note must verify, its text must be a
 * well-formed checkpoint, and its origin must be the expected one (C2SP tlog-checkpoint).
 */
export function openCheckpoint(note: string | Uint8Array, verifiers: readonly NoteVerifier[], origin: string): OpenCheckpointResult {
  const opened = openNote(note, verifiers);
  if (!opened.ok) return opened;
  const parsed = parseCheckpoint(opened.note.text);
  if (!parsed.ok) return withUnknown(parsed, opened.note.unknown);
  if (parsed.checkpoint.origin !== origin) {
    return withUnknown(noteRefusal('origin_mismatch', 'the checkpoint is for another log'), opened.note.unknown);
  }
  return { ok: true, checkpoint: parsed.checkpoint, note: opened.note };
}
