/**
 * Ed25519 keys of C2SP signed notes: key names, key IDs, signers and verifiers over node
 * `KeyObject`s, and the `vkey` text form that publishes a verifier
 * (`<name>+<hex key ID>+<base64(0x01 ‖ public key)>`, served at `/api/v1/audit/verifier-key`).
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { NoteError, noteRefusal, type NoteRefusal } from './note-error.js';
import { decodeStrictBase64, encodeBase64 } from '../../kernel/crypto/strict-base64.js';

/** C2SP signed-note, "Signature types": 0x01 is Ed25519. */
export const ED25519_SIGNATURE_TYPE = 0x01;
/** RFC 8032 §5.1.6: an Ed25519 signature is 64 bytes. */
export const ED25519_SIGNATURE_SIZE = 64;
const ED25519_PUBLIC_KEY_SIZE = 32;

/** Trusts signatures by one Ed25519 key. Only {@link noteVerifier} and {@link parseVkey} make them. */
export interface NoteVerifier {
  readonly name: string;
  /** The uint32 key ID, big-endian first four bytes of the key hash. */
  readonly keyId: number;
  readonly publicKey: KeyObject;
}

/** Signs notes with one Ed25519 key. Only {@link noteSigner} makes them. */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  readonly privateKey: KeyObject;
}

/** C2SP signed-note: key names are non-empty and hold no Unicode space and no `+`. */
export function isValidKeyName(name: string): boolean {
  // \s covers the Unicode White_Space spaces; U+0085 is listed as well, as Go's unicode.IsSpace does.
  return name.length > 0 && !/[\s\u0085+]/u.test(name);
}

function rawPublicKey(publicKey: KeyObject): Uint8Array {
  if (publicKey.type !== 'public' || publicKey.asymmetricKeyType !== 'ed25519') {
    throw new NoteError('invalid_key', 'an Ed25519 public KeyObject is needed');
  }
  const { x } = publicKey.export({ format: 'jwk' });
  return new Uint8Array(Buffer.from(x ?? '', 'base64url'));
}

function checkName(name: string): void {
  if (typeof name !== 'string' || !isValidKeyName(name))
    throw new NoteError('invalid_key_name', 'a key name is non-empty, without spaces or +');
}

function keyIdOf(name: string, raw: Uint8Array): number {
  // C2SP signed-note, "Ed25519 signatures": key ID = SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4].
  const digest = createHash('sha256').update(name, 'utf8').update(Uint8Array.of(0x0a, ED25519_SIGNATURE_TYPE)).update(raw).digest();
  return digest.readUInt32BE(0);
}

/** The key ID of an Ed25519 public key under `name`. */
export function noteKeyId(name: string, publicKey: KeyObject): number {
  checkName(name);
  return keyIdOf(name, rawPublicKey(publicKey));
}

/** A verifier for `name` and an Ed25519 public key. Throws `invalid_key_name` or `invalid_key`. */
export function noteVerifier(name: string, publicKey: KeyObject): NoteVerifier {
  return Object.freeze({ name, keyId: noteKeyId(name, publicKey), publicKey });
}

/** A signer for `name` and an Ed25519 private key. Throws `invalid_key_name` or `invalid_key`. */
export function noteSigner(name: string, privateKey: KeyObject): NoteSigner {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
    throw new NoteError('invalid_key', 'an Ed25519 private KeyObject is needed');
  }
  return Object.freeze({ name, keyId: noteKeyId(name, createPublicKey(privateKey)), privateKey });
}

/** The key ID as the 8 lowercase hex digits of a vkey. */
export function formatKeyId(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

/** The Ed25519 signature of `message` (RFC 8032 §5.1.6). */
export function signEd25519(message: Uint8Array, signer: NoteSigner): Uint8Array {
  if (signer.privateKey.type !== 'private' || signer.privateKey.asymmetricKeyType !== 'ed25519') {
    throw new NoteError('invalid_key', 'an Ed25519 private KeyObject is needed');
  }
  return new Uint8Array(sign(null, message, signer.privateKey));
}

/** Whether `signature` is a valid Ed25519 signature of `message` by the verifier's key (RFC 8032 §5.1.7). */
export function verifyEd25519(message: Uint8Array, signature: Uint8Array, verifier: NoteVerifier): boolean {
  if (signature.length !== ED25519_SIGNATURE_SIZE || verifier.publicKey.asymmetricKeyType !== 'ed25519') return false;
  try {
    return verify(null, message, verifier.publicKey, signature);
  } catch {
    return false;
  }
}

/** The vkey of `name` and an Ed25519 public key: `<name>+<hex key ID>+<base64(0x01 ‖ key)>`. */
export function vkey(name: string, publicKey: KeyObject): string {
  const raw = rawPublicKey(publicKey);
  const keyId = noteKeyId(name, publicKey);
  return `${name}+${formatKeyId(keyId)}+${encodeBase64(Uint8Array.of(ED25519_SIGNATURE_TYPE, ...raw))}`;
}

/** A parsed vkey: the verifier it describes, or a refusal. */
export type ParseVkeyResult = { readonly ok: true; readonly verifier: NoteVerifier } | NoteRefusal;

/**
 * Reads a vkey. The name is up to the first `+`, the key ID up to the second (the base64 key
 * may itself hold `+`); the key ID must be the one the name and key derive.
 */
export function parseVkey(text: string): ParseVkeyResult {
  if (typeof text !== 'string') return noteRefusal('malformed_vkey', 'a vkey is a string');
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) return noteRefusal('malformed_vkey', 'a vkey is <name>+<key id>+<key>');
  const name = text.slice(0, first);
  const hexId = text.slice(first + 1, second);
  if (!isValidKeyName(name)) return noteRefusal('invalid_key_name', 'a key name is non-empty, without spaces or +');
  // Either case is read, as Go's note.NewVerifier does; vkey() writes lowercase.
  if (!/^[0-9a-fA-F]{8}$/.test(hexId)) return noteRefusal('malformed_vkey', 'the key id is 8 hex digits');
  const key = decodeStrictBase64(text.slice(second + 1));
  if (key === undefined || key.length === 0) return noteRefusal('malformed_vkey', 'the key is not canonical base64');
  if (key[0] !== ED25519_SIGNATURE_TYPE) return noteRefusal('unsupported_key_type', 'only Ed25519 (0x01) keys are supported');
  if (key.length !== 1 + ED25519_PUBLIC_KEY_SIZE) return noteRefusal('malformed_vkey', 'an Ed25519 key is 32 bytes');
  const raw = key.subarray(1);
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
  } catch {
    return noteRefusal('malformed_vkey', 'the key is not an Ed25519 public key');
  }
  const keyId = keyIdOf(name, raw);
  if (keyId !== Number.parseInt(hexId, 16)) return noteRefusal('key_id_mismatch', 'the key id is not the one of this name and key');
  return { ok: true, verifier: Object.freeze({ name, keyId, publicKey }) };
}
