/**
 * C2SP signed-note and vkey with Ed25519: the published examples verify (and signing reproduces a
 * published note byte for byte), a round trip holds, and each way of tampering with a note is
 * refused with its own reason, so an operator can tell a forged note from a misconfigured signer.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  MAX_NOTE_SIGNATURES,
  NoteError,
  formatCheckpoint,
  noteSigner,
  noteVerifier,
  openCheckpoint,
  openNote,
  parseCheckpoint,
  parseVkey,
  signNote,
  vkey,
  type NoteSigner,
  type NoteVerifier,
} from '../../../src/audit/crypto/signed-note.js';
import { vectors } from './merkle-test-helpers.js';

const example = vectors.signed_note_example;

function ed25519(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ed25519');
}

function pair(name: string): { signer: NoteSigner; verifier: NoteVerifier } {
  const { privateKey, publicKey } = ed25519();
  return { signer: noteSigner(name, privateKey), verifier: noteVerifier(name, publicKey) };
}

function trusted(text: string): NoteVerifier {
  const parsed = parseVkey(text);
  if (!parsed.ok) throw new Error(`vkey refused: ${parsed.code}`);
  return parsed.verifier;
}

function thrownCode(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof NoteError) return error.code;
    throw error;
  }
  throw new Error('nothing was refused');
}

/** The note with the last data character of its signature given a set padding bit. */
function nonCanonical(note: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const at = note.length - 3; // "…X=\n": X carries 4 data bits and 2 padding bits
  const flipped = alphabet[alphabet.indexOf(note.charAt(at)) ^ 1] ?? '';
  return note.slice(0, at) + flipped + note.slice(at + 1);
}

const TEXT = 'rampart.example/audit\n42\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n';
const log = pair('rampart.example/audit');
const signed = signNote(TEXT, log.signer);
const signatureLine = signed.slice(TEXT.length + 1, -1);

describe('the C2SP signed-note example (vectors: signed_note_example)', () => {
  it('its vkey parses to the published key id', () => {
    const verifier = trusted(example.vkey);
    expect(verifier.name).toBe('example.com/foo');
    expect(verifier.keyId).toBe(0x530d903a);
    expect(vkey(verifier.name, verifier.publicKey)).toBe(example.vkey);
  });

  it('its note verifies, as a string and as bytes', () => {
    const verifier = trusted(example.vkey);
    for (const note of [example.signed_note, new Uint8Array(Buffer.from(example.signed_note, 'utf8'))]) {
      expect(openNote(note, [verifier])).toEqual({
        ok: true,
        note: { text: example.note_text, verified: [{ name: 'example.com/foo', keyId: 0x530d903a }], unknown: [] },
      });
    }
  });
});

describe('interoperability with other implementations', () => {
  it('signing reproduces the golang.org/x/mod/sumdb/note documentation example byte for byte', () => {
    // From the package documentation of golang.org/x/mod/sumdb/note (data only): the signer key
    // PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFAL…, its verifier key and the note it signs.
    // Ed25519 is deterministic, so the same key and text must give the same signature.
    const seed = Buffer.from('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'base64').subarray(1);
    const pkcs8Prefix = Buffer.from('302e020100300506032b657004220420', 'hex'); // RFC 8410 §7 Ed25519 PrivateKeyInfo
    const privateKey = createPrivateKey({ key: Buffer.concat([pkcs8Prefix, seed]), format: 'der', type: 'pkcs8' });
    const text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    const note = `${text}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;
    expect(vkey('PeterNeumann', createPublicKey(privateKey))).toBe('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
    expect(signNote(text, noteSigner('PeterNeumann', privateKey))).toBe(note);
    expect(openNote(note, [trusted('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')]).ok).toBe(true);
  });

  it('a vkey whose base64 holds a + parses (transparency-dev/formats note tests)', () => {
    const verifier = trusted('TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6');
    expect(verifier).toMatchObject({ name: 'TEST', keyId: 0x7997405c });
  });
});

describe('signing and opening', () => {
  it('a signed note opens to its text', () => {
    expect(signed).toBe(`${TEXT}\n${signatureLine}\n`);
    expect(signatureLine.startsWith('\u2014 rampart.example/audit ')).toBe(true);
    const opened = openNote(signed, [log.verifier]);
    expect(opened).toEqual({ ok: true, note: { text: TEXT, verified: [{ name: log.signer.name, keyId: log.signer.keyId }], unknown: [] } });
  });

  it('a text holding blank lines keeps them: the last blank line separates the signatures', () => {
    const text = 'first\n\nsecond\n\n';
    expect(openNote(signNote(text, log.signer), [log.verifier])).toMatchObject({ ok: true, note: { text } });
  });

  it('a cosigned note opens with either key, and lists the signer it does not know', () => {
    const witness = pair('witness.example/w1');
    const note = signNote(TEXT, [log.signer, witness.signer]);
    const opened = openNote(note, [log.verifier]);
    expect(opened).toMatchObject({ ok: true, note: { unknown: [{ name: witness.signer.name, keyId: witness.signer.keyId }] } });
    expect(openNote(note, [witness.verifier, log.verifier])).toMatchObject({ ok: true, note: { unknown: [] } });
  });

  it(`accepts ${MAX_NOTE_SIGNATURES} signatures and refuses one more`, () => {
    const witnesses = Array.from({ length: MAX_NOTE_SIGNATURES - 1 }, (_, i) => pair(`w${i}.example`).signer);
    const note = signNote(TEXT, [log.signer, ...witnesses]);
    expect(openNote(note, [log.verifier])).toMatchObject({ ok: true, note: { unknown: { length: MAX_NOTE_SIGNATURES - 1 } } });
    const oneMore = signNote(TEXT, pair('w16.example').signer).slice(TEXT.length + 1);
    expect(openNote(`${note}${oneMore}`, [log.verifier])).toMatchObject({ ok: false, code: 'too_many_signatures' });
  });
});

describe('tampering is refused, each way with its own reason', () => {
  const [, , base64 = ''] = signatureLine.split(' ');
  const payload = Buffer.from(base64, 'base64');
  const withPayload = (bytes: Buffer): string => `${TEXT}\n\u2014 ${log.signer.name} ${bytes.toString('base64')}\n`;

  const cases = {
    'a changed byte in the body': signed.replace('\n42\n', '\n43\n'),
    'a signature by another key with the same name': signNote(TEXT, pair(log.signer.name).signer),
    'a wrong key id': withPayload(Buffer.concat([Buffer.from([(payload[0] ?? 0) ^ 0xff]), payload.subarray(1)])),
    'a truncated signature': withPayload(payload.subarray(0, payload.length - 3)),
    'extra whitespace in the signature line': signed.replace('\u2014 ', '\u2014  '),
  };
  const want = {
    'a changed byte in the body': 'invalid_signature',
    'a signature by another key with the same name': 'unknown_key',
    'a wrong key id': 'key_id_mismatch',
    'a truncated signature': 'malformed_signature',
    'extra whitespace in the signature line': 'malformed_signature_line',
  } as const;

  it.each(Object.entries(cases))('%s', (name, note) => {
    expect(openNote(note, [log.verifier])).toMatchObject({ ok: false, code: want[name as keyof typeof want] });
  });

  it('the five reasons are distinct', () => {
    expect(new Set(Object.values(want)).size).toBe(5);
  });

  it('a key made to share the trusted name and key id only gets a signature failure', () => {
    const forger = { ...pair(log.signer.name).signer, keyId: log.signer.keyId };
    expect(openNote(signNote(TEXT, forger), [log.verifier])).toMatchObject({ code: 'invalid_signature' });
  });

  it('a bad signature by a known key rejects the note even when another known key verified', () => {
    const witness = pair('witness.example/w1');
    const witnessOfOtherText = signNote('another text\n', witness.signer).slice('another text\n'.length + 1);
    expect(openNote(signed, [log.verifier, witness.verifier]).ok).toBe(true);
    expect(openNote(`${signed}${witnessOfOtherText}`, [log.verifier, witness.verifier])).toMatchObject({
      ok: false,
      code: 'invalid_signature',
    });
  });
});

describe('malformed notes are refused', () => {
  it.each([
    ['missing blank line', signed.replace(`${TEXT}\n`, TEXT), 'missing_blank_line'],
    ['nothing after the blank line', `${TEXT}\n`, 'missing_signature'],
    ['no final newline', signed.slice(0, -1), 'malformed_signature_line'],
    ['a trailing space', `${signed.slice(0, -1)} \n`, 'malformed_signature_line'],
    ['a hyphen instead of the em dash', signed.replace('\u2014', '-'), 'malformed_signature_line'],
    ['a name with +', signed.replace('\u2014 rampart.example/audit', '\u2014 rampart+example'), 'invalid_key_name'],
    ['a name with a no-break space', signed.replace('\u2014 rampart.example/audit', '\u2014 rampart\u00a0example'), 'invalid_key_name'],
    ['CRLF line ends', signed.replaceAll('\n', '\r\n'), 'control_character'],
    ['a tab', signed.replace('\u2014 ', '\u2014\t'), 'control_character'],
    ['a lone surrogate', `\ud800${signed}`, 'not_utf8'],
    ['missing base64 padding', signed.replace(/=\n$/u, '\n'), 'malformed_signature'],
    ['a repeated signature line', `${signed}${signatureLine}\n`, 'duplicate_signature'],
    ['an oversized note', `${'a'.repeat(1_048_577)}\n${signed}`, 'note_too_large'],
  ] as const)('%s', (_name, note, code) => {
    expect(openNote(note, [log.verifier])).toMatchObject({ ok: false, code });
  });

  it('a signature in non-canonical base64, which a lenient decoder reads as the same signature', () => {
    const note = nonCanonical(signed);
    const lastB64 = (n: string): string => n.slice(n.lastIndexOf(' ') + 1, -1);
    expect(lastB64(note)).not.toBe(lastB64(signed));
    expect(Buffer.from(lastB64(note), 'base64')).toEqual(Buffer.from(lastB64(signed), 'base64'));
    expect(openNote(note, [log.verifier])).toMatchObject({ ok: false, code: 'malformed_signature' });
  });

  it('bytes that are not UTF-8', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(signed, 'utf8')]);
    expect(openNote(new Uint8Array(bytes), [log.verifier])).toMatchObject({ ok: false, code: 'not_utf8' });
  });

  it('a note with no trusted verifier at all', () => {
    expect(openNote(signed, [])).toMatchObject({ ok: false, code: 'unknown_key', unknown: [{ name: log.signer.name }] });
  });
});

describe('signing refuses misuse with a code', () => {
  it.each([
    ['text without a final newline', () => signNote('no newline', log.signer), 'missing_final_newline'],
    ['text with a control character', () => signNote('a\rb\n', log.signer), 'control_character'],
    ['no signer', () => signNote(TEXT, []), 'missing_signature'],
    ['the same signer twice', () => signNote(TEXT, [log.signer, log.signer]), 'duplicate_signature'],
    ['a key name with a space', () => noteSigner('a b', ed25519().privateKey), 'invalid_key_name'],
    ['a public key as signer', () => noteSigner('a', ed25519().publicKey), 'invalid_key'],
    ['an X25519 key', () => noteVerifier('a', generateKeyPairSync('x25519').publicKey), 'invalid_key'],
  ] as const)('%s', (_name, run, code) => {
    expect(thrownCode(run)).toBe(code);
  });
});

describe('vkey', () => {
  it('round-trips a generated key', () => {
    const { publicKey } = ed25519();
    const text = vkey('rampart.example/audit', publicKey);
    expect(text).toMatch(/^rampart\.example\/audit\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/u);
    const verifier = trusted(text);
    expect(verifier.keyId).toBe(noteVerifier('rampart.example/audit', publicKey).keyId);
    expect(verifier.publicKey.equals(publicKey)).toBe(true);
  });

  it.each([
    ['a wrong key id', example.vkey.replace('+530d903a+', '+530d903b+'), 'key_id_mismatch'],
    ['another name for the key', example.vkey.replace('example.com/foo', 'example.com/bar'), 'key_id_mismatch'],
    ['a short key id', example.vkey.replace('+530d903a+', '+530d903+'), 'malformed_vkey'],
    ['a key id that is not hex', example.vkey.replace('+530d903a+', '+530d903g+'), 'malformed_vkey'],
    ['no key', 'example.com/foo+530d903a', 'malformed_vkey'],
    ['a name with a space', example.vkey.replace('example.com/foo', 'example com'), 'invalid_key_name'],
    ['an empty name', example.vkey.replace('example.com/foo', ''), 'invalid_key_name'],
    ['an ECDSA (0x02) key type', 'example.com/foo+530d903a+AukyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k', 'unsupported_key_type'],
    ['a 31-byte key', 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3Q==', 'malformed_vkey'],
    ['truncated base64', example.vkey.slice(0, -1), 'malformed_vkey'],
  ] as const)('refuses %s', (_name, text, code) => {
    expect(parseVkey(text)).toMatchObject({ ok: false, code });
  });
});

describe('tlog-checkpoint', () => {
  const root = new Uint8Array(32).map((_, i) => i);
  const rootB64 = Buffer.from(root).toString('base64');
  const checkpoint = { origin: 'rampart.example/audit', size: 1_000_000, rootHash: root, extensions: [] };

  it('formats the C2SP layout and parses it back', () => {
    const text = formatCheckpoint(checkpoint);
    expect(text).toBe(`rampart.example/audit\n1000000\n${rootB64}\n`);
    expect(parseCheckpoint(text)).toEqual({ ok: true, checkpoint });
  });

  it('round-trips extension lines, size 0 and the largest safe size', () => {
    for (const value of [
      { ...checkpoint, extensions: ['— not a signature', 'ext 2'] },
      { ...checkpoint, size: 0 },
      { ...checkpoint, size: Number.MAX_SAFE_INTEGER },
    ]) {
      expect(parseCheckpoint(formatCheckpoint(value))).toEqual({ ok: true, checkpoint: value });
    }
  });

  it.each([
    ['a size with a leading zero', `o\n01\n${rootB64}\n`, 'invalid_tree_size'],
    ['a size that is not decimal', `o\n0x10\n${rootB64}\n`, 'invalid_tree_size'],
    ['a size with a sign', `o\n+5\n${rootB64}\n`, 'invalid_tree_size'],
    ['a size with a space', `o\n 5\n${rootB64}\n`, 'invalid_tree_size'],
    ['a size in non-ASCII digits', `o\n\u0665\n${rootB64}\n`, 'invalid_tree_size'],
    ['an empty size', `o\n\n${rootB64}\n`, 'invalid_tree_size'],
    ['a size beyond 2^53 - 1', `o\n9007199254740992\n${rootB64}\n`, 'invalid_tree_size'],
    ['a root of 31 bytes', `o\n5\n${Buffer.from(root.subarray(1)).toString('base64')}\n`, 'invalid_root_hash'],
    ['a root of 33 bytes', `o\n5\n${Buffer.concat([root, Buffer.from([0])]).toString('base64')}\n`, 'invalid_root_hash'],
    ['a root that is not base64', `o\n5\n${rootB64.replace('A', '*')}\n`, 'invalid_root_hash'],
    ['a root without padding', `o\n5\n${rootB64.replace('=', '')}\n`, 'invalid_root_hash'],
    ['no trailing newline', `o\n5\n${rootB64}`, 'missing_final_newline'],
    ['only two lines', `o\n5\n`, 'malformed_checkpoint'],
    ['an empty origin', `\n5\n${rootB64}\n`, 'invalid_origin'],
    ['an empty extension line', `o\n5\n${rootB64}\n\n`, 'invalid_extension_line'],
    ['a carriage return', `o\r\n5\n${rootB64}\n`, 'control_character'],
  ] as const)('refuses %s', (_name, text, code) => {
    expect(parseCheckpoint(text)).toMatchObject({ ok: false, code });
  });

  it.each([
    ['an empty origin', { ...checkpoint, origin: '' }, 'invalid_origin'],
    ['an origin of two lines', { ...checkpoint, origin: 'a\nb' }, 'invalid_origin'],
    ['a negative size', { ...checkpoint, size: -1 }, 'invalid_tree_size'],
    ['a fractional size', { ...checkpoint, size: 1.5 }, 'invalid_tree_size'],
    ['a 20-byte root', { ...checkpoint, rootHash: new Uint8Array(20) }, 'invalid_root_hash'],
    ['an empty extension line', { ...checkpoint, extensions: [''] }, 'invalid_extension_line'],
  ] as const)('will not format %s', (_name, value, code) => {
    expect(thrownCode(() => formatCheckpoint(value))).toBe(code);
  });

  it('a signed checkpoint opens for its own log only', () => {
    const note = signNote(formatCheckpoint(checkpoint), log.signer);
    expect(openCheckpoint(note, [log.verifier], checkpoint.origin)).toMatchObject({ ok: true, checkpoint });
    expect(openCheckpoint(note, [log.verifier], 'other.example/log')).toMatchObject({ ok: false, code: 'origin_mismatch' });
    expect(openCheckpoint(note, [pair(checkpoint.origin).verifier], checkpoint.origin)).toMatchObject({ ok: false, code: 'unknown_key' });
    const notACheckpoint = signNote('hello\n', log.signer);
    expect(openCheckpoint(notACheckpoint, [log.verifier], 'hello')).toMatchObject({ ok: false, code: 'malformed_checkpoint' });
  });
});
