/**
 * The text rules every signed note obeys (C2SP signed-note, "Format"): valid UTF-8, no ASCII
 * control character other than newline, and a size limit so that reading a note is bounded work.
 */
import { noteRefusal, type NoteRefusal } from './note-error.js';

/** The largest note read, in UTF-8 bytes. A checkpoint with 16 signatures is under 2 KiB. */
export const MAX_NOTE_BYTES = 1_048_576;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes a note given as bytes or as a string, refusing what is not UTF-8 or too large. */
export function decodeNote(note: string | Uint8Array): string | NoteRefusal {
  if (typeof note === 'string') {
    if (note.length > MAX_NOTE_BYTES || Buffer.byteLength(note, 'utf8') > MAX_NOTE_BYTES)
      return noteRefusal('note_too_large', `a note is at most ${MAX_NOTE_BYTES} bytes`);
    return note;
  }
  if (!(note instanceof Uint8Array)) return noteRefusal('not_utf8', 'a note is a string or bytes');
  if (note.length > MAX_NOTE_BYTES) return noteRefusal('note_too_large', `a note is at most ${MAX_NOTE_BYTES} bytes`);
  try {
    return utf8.decode(note);
  } catch {
    return noteRefusal('not_utf8', 'the note is not valid UTF-8');
  }
}

/** The refusal for text holding a lone surrogate or a forbidden control character, if any. */
export function textProblem(text: string): NoteRefusal | undefined {
  // C2SP signed-note: notes "MUST be valid UTF-8"; a lone surrogate has no UTF-8 encoding.
  if (LONE_SURROGATE.test(text)) return noteRefusal('not_utf8', 'the text holds a lone surrogate');
  // C2SP signed-note: "MUST NOT contain any ASCII control characters (those below U+0020) other than newline".
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) return noteRefusal('control_character', `a control character at offset ${i}`);
  }
  return undefined;
}
