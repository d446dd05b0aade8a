/**
 * The licence key's copy-pasteable text form (docs/decisions/019-licences.md, "The key"):
 *
 *   RLK1-XXXXXXXX-XXXXXXXX-…(16 groups)…-CCCCCCCC
 *
 * - `RLK1` names the format (version 1);
 * - the 16 groups of 8 are RFC 4648 base32 (no padding) of 80 bytes: the licence id's 16 bytes
 *   (`lic_<32 hex>`) then the 64-byte Ed25519 signature of the licence's canonical payload;
 * - `CCCCCCCC` is the check group: base32 of the first 5 bytes of SHA-256(`RLK1` ‖ those 80
 *   bytes), 40 bits, so a mistyped, dropped or swapped character is caught before any network
 *   call (a random typo passes with probability 2⁻⁴⁰).
 *
 * Reading is lenient about what copying does (case, spaces, line breaks, missing or extra
 * hyphens) and strict about everything else. The check group is not a secret and proves nothing
 * about who made the key: the server still checks the key's hash and its signature.
 */
import { base32Decode, base32Encode } from './base32.js';
import { sha256 } from './crypto/node-crypto.js';

export const LICENCE_KEY_PREFIX = 'RLK1';
const ID_BYTES = 16;
const SIGNATURE_BYTES = 64;
const BODY_CHARS = 128;
const CHECK_CHARS = 8;
const GROUP = 8;

/** A licence key read from its text: the licence it names and the signature it carries. */
export interface LicenceKeyParts {
  /** `lic_` and 32 hex digits. */
  readonly licenceId: string;
  /** The Ed25519 signature of the licence's canonical payload. */
  readonly signature: Buffer;
  /** The 80 bytes the key encodes (id ‖ signature): what the server hashes. */
  readonly bytes: Buffer;
}

export type LicenceKeyReading =
  { readonly ok: true; readonly key: LicenceKeyParts } | { readonly ok: false; readonly reason: 'malformed' | 'checksum' };

function checkGroup(bytes: Uint8Array): string {
  return base32Encode(sha256(LICENCE_KEY_PREFIX, bytes).subarray(0, 5));
}

/** The text form of the key of `licenceId` (`lic_<32 hex>`) with `signature`. */
export function formatLicenceKey(licenceId: string, signature: Uint8Array): string {
  const id = /^lic_([0-9a-f]{32})$/.exec(licenceId);
  if (id?.[1] === undefined) throw new RangeError('a licence id is lic_ and 32 lowercase hex digits');
  if (signature.length !== SIGNATURE_BYTES) throw new RangeError('an Ed25519 signature is 64 bytes');
  const bytes = Buffer.concat([Buffer.from(id[1], 'hex'), signature]);
  const body = base32Encode(bytes);
  const groups = body.match(/.{8}/g) ?? [];
  return [LICENCE_KEY_PREFIX, ...groups, checkGroup(bytes)].join('-');
}

/**
 * Reads a key as a person pasted it: `malformed` when it is not a key of this format at all,
 * `checksum` when it is one with a character wrong — both without any network call.
 */
export function parseLicenceKey(text: string): LicenceKeyReading {
  if (text.length > 400) return { ok: false, reason: 'malformed' };
  const compact = text.replace(/[\s-]/g, '').toUpperCase();
  if (!compact.startsWith(LICENCE_KEY_PREFIX) || compact.length !== LICENCE_KEY_PREFIX.length + BODY_CHARS + CHECK_CHARS) {
    return { ok: false, reason: 'malformed' };
  }
  const body = compact.slice(LICENCE_KEY_PREFIX.length, LICENCE_KEY_PREFIX.length + BODY_CHARS);
  const check = compact.slice(LICENCE_KEY_PREFIX.length + BODY_CHARS);
  const bytes = base32Decode(body);
  if (bytes?.length !== ID_BYTES + SIGNATURE_BYTES || base32Decode(check) === undefined) return { ok: false, reason: 'malformed' };
  if (checkGroup(bytes) !== check) return { ok: false, reason: 'checksum' };
  return {
    ok: true,
    key: Object.freeze({
      licenceId: `lic_${bytes.subarray(0, ID_BYTES).toString('hex')}`,
      signature: Buffer.from(bytes.subarray(ID_BYTES)),
      bytes,
    }),
  };
}

/** The group length of the text form, for documentation and tests. */
export const LICENCE_KEY_GROUP = GROUP;
