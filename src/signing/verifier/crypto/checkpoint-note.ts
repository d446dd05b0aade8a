/**
 * C2SP signed-note (Ed25519, type 0x01) and tlog-checkpoint, verify side only, dependency-free:
 * parses a log's `vkey` (`<name>+<hex key ID>+<base64(0x01 ‖ public key)>`), opens a checkpoint
 * note signed by it and reads its origin, tree size and root hash.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { decodeBase64 } from './dsse.js';

/** A log's verifier key. */
export interface LogKey {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: KeyObject;
}

/** A verified checkpoint: C2SP tlog-checkpoint's first three lines. */
export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Buffer;
}

/** C2SP signed-note: key ID = first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key), big-endian. */
function keyIdOf(name: string, raw: Uint8Array): number {
  return createHash('sha256')
    .update(Buffer.from(`${name}\n`, 'utf8'))
    .update(Buffer.of(1))
    .update(raw)
    .digest()
    .readUInt32BE(0);
}

/** The log key of a vkey text, or undefined when it is not an Ed25519 vkey whose key ID matches. */
export function parseLogKey(vkey: string): LogKey | undefined {
  // The name runs to the first `+`, the key ID to the second; the base64 key may itself hold `+`.
  const text = vkey.trim();
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) return undefined;
  const name = text.slice(0, first);
  const hexId = text.slice(first + 1, second);
  const encoded = text.slice(second + 1);
  if (name === '' || /\s/u.test(name) || !/^[0-9a-fA-F]{8}$/.test(hexId)) return undefined;
  const bytes = decodeBase64(encoded);
  if (bytes?.length !== 33 || bytes[0] !== 1) return undefined;
  const raw = bytes.subarray(1);
  if (keyIdOf(name, raw) !== Number.parseInt(hexId, 16)) return undefined;
  try {
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
    return { name, keyId: keyIdOf(name, raw), publicKey };
  } catch {
    return undefined;
  }
}

/**
 * C2SP signed-note: the text of `note` when a signature line `— <key name> <base64(key ID ‖ sig)>`
 * by `key` verifies over it (the text includes its final newline); other signatures (witnesses)
 * are ignored. Undefined when none does.
 */
export function openSignedNote(note: string, key: LogKey): string | undefined {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) return undefined;
  const text = note.slice(0, split + 1);
  const message = Buffer.from(text, 'utf8');
  for (const line of note.slice(split + 2, -1).split('\n')) {
    const match = /^\u2014 (\S+) (\S+)$/u.exec(line);
    if (match === null || match[1] !== key.name) continue;
    const bytes = decodeBase64(match[2] ?? '');
    if (bytes?.length !== 68 || bytes.readUInt32BE(0) !== key.keyId) continue;
    try {
      if (verify(null, message, key.publicKey, bytes.subarray(4))) return text;
    } catch {
      // a malformed signature is one that does not verify
    }
  }
  return undefined;
}

/**
 * Opens a signed checkpoint (C2SP tlog-checkpoint) with `key`: the note must verify, and its
 * first line (the origin) must be the key's name. Undefined when it does not verify or parse.
 */
export function openCheckpointNote(note: string, key: LogKey): Checkpoint | undefined {
  const text = openSignedNote(note, key);
  if (text === undefined) return undefined;
  const [origin, sizeText, rootText] = text.split('\n');
  if (origin !== key.name || sizeText === undefined || !/^(0|[1-9]\d{0,15})$/.test(sizeText)) return undefined;
  const rootHash = decodeBase64(rootText ?? '');
  const size = Number(sizeText);
  if (rootHash?.length !== 32 || !Number.isSafeInteger(size)) return undefined;
  return { origin, size, rootHash };
}
