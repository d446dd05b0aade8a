/**
 * The authentication tag of a list cursor (src/kernel/http/cursor.ts): HMAC-SHA-256 (RFC 2104)
 * over the cursor's parts, each preceded by its length so that no two different part lists give
 * the same message, truncated to 128 bits (RFC 2104 §5 allows a truncated output of at least half
 * the hash). Tags are compared in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Secret } from '../domain/secret.js';

/** The length of a tag, in bytes. */
export const CURSOR_TAG_SIZE = 16;

/** The 16-byte tag of `parts` under `key`. */
export function cursorTag(key: Secret<Buffer>, parts: readonly (string | Uint8Array)[]): Buffer {
  const mac = createHmac('sha256', key.reveal());
  for (const part of parts) {
    const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length, 0);
    mac.update(length);
    mac.update(bytes);
  }
  return mac.digest().subarray(0, CURSOR_TAG_SIZE);
}

/** Whether `tag` is the tag of `parts` under `key`, compared in constant time. */
export function cursorTagMatches(key: Secret<Buffer>, parts: readonly (string | Uint8Array)[], tag: Uint8Array): boolean {
  const expected = cursorTag(key, parts);
  return tag.length === expected.length && timingSafeEqual(tag, expected);
}
