/**
 * The audit listing's cursors (`audit/crypto/audit-cursor.ts`): what one key seals for one org opens
 * there only, to the same index; any other byte string, another org, or another key does not open.
 */
import { describe, expect, it } from 'vitest';
import { AuditCursors } from '../../../src/audit/crypto/audit-cursor.js';
import { deriveKey } from '../../../src/kernel/crypto/derive-key.js';
import { secret } from '../../../src/kernel/domain/secret.js';

const master = secret(Buffer.alloc(32, 3));
const cursors = new AuditCursors(deriveKey(master, 'audit-cursor'));

describe('AuditCursors', () => {
  it('hardening 15: opens what it sealed, for the same org, to the same index', () => {
    for (const index of [0, 1, 255, 256, 65_537, Number.MAX_SAFE_INTEGER]) {
      const cursor = cursors.seal('org_a', index);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]{34}$/);
      expect(cursors.open('org_a', cursor)).toBe(index);
    }
  });

  it('hardening 15: refuses another org, another key, any flipped bit, truncation and extension', () => {
    const cursor = cursors.seal('org_a', 42);
    expect(cursors.open('org_b', cursor)).toBeUndefined();
    const otherKey = new AuditCursors(deriveKey(secret(Buffer.alloc(32, 4)), 'audit-cursor'));
    expect(otherKey.open('org_a', cursor)).toBeUndefined();
    // Another purpose's key from the same master key is another key.
    expect(new AuditCursors(deriveKey(master, 'audit-key-wrap')).open('org_a', cursor)).toBeUndefined();
    const bytes = Buffer.from(cursor, 'base64url');
    for (let at = 0; at < bytes.length; at += 1) {
      for (let bit = 0; bit < 8; bit += 1) {
        const tampered = Buffer.from(bytes);
        tampered[at] = (tampered[at] ?? 0) ^ (1 << bit);
        expect(cursors.open('org_a', tampered.toString('base64url'))).toBeUndefined();
      }
    }
    expect(cursors.open('org_a', cursor.slice(0, -1))).toBeUndefined();
    expect(cursors.open('org_a', `${cursor}A`)).toBeUndefined();
    expect(cursors.open('org_a', '')).toBeUndefined();
    expect(cursors.open('org_a', Buffer.from('42').toString('base64url'))).toBeUndefined();
  });

  it('hardening 15: refuses a non-canonical spelling of the same bytes, and an index that is not a safe integer', () => {
    const cursor = cursors.seal('org_a', 7);
    // The last character carries 4 unused bits: setting one gives another spelling of the same bytes.
    const last = cursor.at(-1) ?? 'A';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = `${cursor.slice(0, -1)}${alphabet[alphabet.indexOf(last) ^ 1]}`;
    expect(Buffer.from(sibling, 'base64url').equals(Buffer.from(cursor, 'base64url'))).toBe(true);
    expect(cursors.open('org_a', sibling)).toBeUndefined();
    expect(() => cursors.seal('org_a', -1)).toThrow(RangeError);
    expect(() => cursors.seal('org_a', 1.5)).toThrow(RangeError);
  });
});
