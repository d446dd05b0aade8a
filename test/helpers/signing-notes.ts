/**
 * C2SP signed notes made by a test (issue 16): a vkey and a signed note for an Ed25519 key that is
 * not the log's — the "checkpoint signed by an unknown key" a verifier must refuse.
 */
import { createHash, sign, type KeyObject } from 'node:crypto';

/** C2SP signed-note key ID: the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key). */
export function noteKeyId(name: string, raw: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${name}\n`), Buffer.of(1), raw]))
    .digest()
    .subarray(0, 4);
}

/** The vkey `<name>+<hex key ID>+<base64(0x01 ‖ key)>` of a raw Ed25519 public key. */
export function vkeyOf(name: string, raw: Buffer): string {
  return `${name}+${noteKeyId(name, raw).toString('hex')}+${Buffer.concat([Buffer.of(1), raw]).toString('base64')}`;
}

/** `text` (ending in a newline) signed as `name` with `privateKey`. */
export function signNote(text: string, name: string, raw: Buffer, privateKey: KeyObject): string {
  const sig = sign(null, Buffer.from(text), privateKey);
  return `${text}\n\u2014 ${name} ${Buffer.concat([noteKeyId(name, raw), sig]).toString('base64')}\n`;
}
