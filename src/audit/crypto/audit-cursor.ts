/**
 * The audit listing's cursors (test/fixtures/spec-api-v1.md, "Added in v1.1": cursors are opaque and
 * authenticated, a tampered one is 400 `validation_failed`). A cursor is base64url of
 * `version (1 byte) ‖ index (8 bytes, big-endian) ‖ tag (16 bytes)`, where the tag is
 * HMAC-SHA-256 (RFC 2104), truncated to 128 bits, under a key derived from the master key for this
 * one purpose (`audit-cursor`), over the version, the org the page was listed in and the index.
 * So a cursor is honoured only as it was handed out, and only for the org it was handed out in:
 * an edited, invented or truncated cursor, or one from another org's listing, does not open.
 * Tags are compared in constant time (`timingSafeEqual`).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Secret } from '../../kernel/domain/secret.js';

const VERSION = 1;
const INDEX_SIZE = 8;
const TAG_SIZE = 16;
const CURSOR_SIZE = 1 + INDEX_SIZE + TAG_SIZE;
/** base64url without padding, exactly as many characters as {@link CURSOR_SIZE} bytes encode to. */
const CURSOR_TEXT = /^[A-Za-z0-9_-]{34}$/;
/** The length of every cursor's text. */
export const AUDIT_CURSOR_LENGTH = 34;

export class AuditCursors {
  readonly #key: Secret<Buffer>;

  /** `key`: 32 bytes derived from the master key for `audit-cursor` (kernel/crypto/derive-key.ts). */
  constructor(key: Secret<Buffer>) {
    if (key.reveal().length !== 32) throw new RangeError('the audit cursor key must be 32 bytes');
    this.#key = key;
  }

  #tag(org: string, body: Buffer): Buffer {
    const mac = createHmac('sha256', this.#key.reveal());
    mac.update(body);
    mac.update(org, 'utf8');
    return mac.digest().subarray(0, TAG_SIZE);
  }

  /** The cursor of the page that starts below leaf `index`, listed in `org`. */
  seal(org: string, index: number): string {
    if (!Number.isSafeInteger(index) || index < 0) throw new RangeError('a cursor index is a non-negative safe integer');
    const body = Buffer.alloc(1 + INDEX_SIZE);
    body.writeUInt8(VERSION, 0);
    body.writeBigUInt64BE(BigInt(index), 1);
    return Buffer.concat([body, this.#tag(org, body)]).toString('base64url');
  }

  /** The index `cursor` carries when it was sealed for `org` by this key, else undefined. */
  open(org: string, cursor: string): number | undefined {
    if (!CURSOR_TEXT.test(cursor)) return undefined;
    const bytes = Buffer.from(cursor, 'base64url');
    // RFC 4648 §3.5: only the canonical spelling (unused bits zero) is accepted.
    if (bytes.length !== CURSOR_SIZE || bytes.toString('base64url') !== cursor) return undefined;
    const body = bytes.subarray(0, 1 + INDEX_SIZE);
    const tag = bytes.subarray(1 + INDEX_SIZE);
    if (!timingSafeEqual(tag, this.#tag(org, body))) return undefined;
    if (body.readUInt8(0) !== VERSION) return undefined;
    const index = body.readBigUInt64BE(1);
    return index > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(index);
  }
}
