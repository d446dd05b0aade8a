/**
 * The licence key's text form (src/licences/client/licence-key-text.ts; issue 16 item 4): one
 * character wrong anywhere is caught by the check group before any network call; what copying
 * does (case, spaces, line breaks, hyphens) is forgiven; anything else is malformed.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatLicenceKey, parseLicenceKey } from '../../../src/licences/client/licence-key-text.js';

const id = `lic_${'ab'.repeat(16)}`;
const signature = Buffer.from(randomBytes(64));
const key = formatLicenceKey(id, signature);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

describe('licence key text', () => {
  it('licences 4: round-trips the id and the signature', () => {
    expect(key).toMatch(/^RLK1(-[A-Z2-7]{8}){17}$/);
    const read = parseLicenceKey(key);
    expect(read.ok && read.key.licenceId).toBe(id);
    expect(read.ok && read.key.signature.equals(signature)).toBe(true);
  });

  it('licences 4: forgives case, spaces, line breaks and hyphens', () => {
    const pasted = ` ${key.toLowerCase().replace(/-/g, ' ').slice(0, 60)}\n${key.toLowerCase().slice(60).replace(/-/g, '')} `;
    expect(parseLicenceKey(pasted)).toMatchObject({ ok: true });
  });

  it('licences 4: every single-character substitution in the body or check group is a checksum failure', () => {
    const compact = key.replace(/-/g, '');
    for (let at = 4; at < compact.length; at += 1) {
      const other = ALPHABET[(ALPHABET.indexOf(compact[at]!) + 7) % 32]!;
      const changed = `${compact.slice(0, at)}${other}${compact.slice(at + 1)}`;
      const read = parseLicenceKey(changed);
      // 128 body characters are exactly 80 bytes and 8 check characters 5: no padding bit to hide a change in.
      expect(read, `position ${at}`).toEqual({ ok: false, reason: 'checksum' });
    }
  });

  it('licences 4: two swapped neighbours are caught', () => {
    const compact = key.replace(/-/g, '');
    const at = compact.split('').findIndex((c, i) => i > 4 && c !== compact[i + 1]);
    const swapped = `${compact.slice(0, at)}${compact[at + 1]}${compact[at]}${compact.slice(at + 2)}`;
    expect(parseLicenceKey(swapped)).toEqual({ ok: false, reason: 'checksum' });
  });

  it('licences 4: other text is malformed, never a crash', () => {
    for (const text of [
      '',
      'RLK1',
      `${key}A`,
      key.slice(0, -1),
      key.replace('RLK1', 'RLK2'),
      `${key.slice(0, 20)}0${key.slice(21)}`,
      'x'.repeat(10_000),
    ]) {
      expect(parseLicenceKey(text).ok).toBe(false);
    }
  });
});
