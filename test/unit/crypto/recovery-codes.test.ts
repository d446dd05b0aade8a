import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  generateRecoveryCodes,
  hashRecoveryCode,
  normaliseRecoveryCode,
  RECOVERY_CODE_ALPHABET,
  RECOVERY_CODE_COUNT,
} from '../../../src/identity/mfa/crypto/recovery-codes.js';
import { randomString } from '../../../src/kernel/crypto/random-string.js';
import { secret } from '../../../src/kernel/domain/secret.js';

const USER = 'usr_01J9Z3N0Q4';
const FORMAT = /^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$/;

describe('recovery codes', () => {
  it('come as ten distinct codes of 60 bits in xxxx-xxxx-xxxx form, with one hash each', () => {
    const set = generateRecoveryCodes(USER);
    const codes = set.codes.map((c) => c.reveal());
    expect(RECOVERY_CODE_COUNT).toBe(10);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(FORMAT);
    expect(RECOVERY_CODE_ALPHABET).toHaveLength(32); // 12 symbols × log2(32) = 60 bits
    expect(set.hashes).toHaveLength(10);
    expect(new Set(set.hashes).size).toBe(10);
    for (const [i, c] of codes.entries()) {
      expect(set.hashes[i]).toMatch(/^[0-9a-f]{64}$/);
      expect(set.hashes[i]).toBe(hashRecoveryCode(USER, secret(c)));
      expect(set.hashes[i]).not.toContain(c.replaceAll('-', ''));
    }
    expect(JSON.stringify(set)).not.toContain(codes[0]);
  });

  it('are read case-, dash- and space-insensitively, with o as 0 and i, l as 1', () => {
    const typed = (s: string) => normaliseRecoveryCode(secret(s))?.reveal();
    expect(typed('7k2m-x9qd-4hnp')).toBe('7k2mx9qd4hnp');
    expect(typed('7K2MX9QD4HNP')).toBe('7k2mx9qd4hnp');
    expect(typed(' 7k2m x9qd 4hnp ')).toBe('7k2mx9qd4hnp');
    expect(typed('o1lI-0000-0000')).toBe('011100000000');
    expect(typed('7k2m-x9qd-4hn')).toBeUndefined(); // 11 symbols
    expect(typed('7k2m-x9qd-4hnpp')).toBeUndefined(); // 13 symbols
    expect(typed('7k2m-x9qd-4hnu')).toBeUndefined(); // u is not in the alphabet
    expect(typed('x'.repeat(1000))).toBeUndefined();
    const [first] = generateRecoveryCodes(USER).codes;
    const shouted = secret(` ${first?.reveal().toUpperCase().replaceAll('-', ' ')} `);
    expect(hashRecoveryCode(USER, shouted)).toBe(hashRecoveryCode(USER, first ?? secret('')));
  });

  it('hash per user: the same code under another user has another hash', () => {
    const c = secret('7k2m-x9qd-4hnp');
    expect(hashRecoveryCode(USER, c)).not.toBe(hashRecoveryCode('usr_other', c));
    expect(hashRecoveryCode(USER, secret('not a code'))).toBeNull();
    expect(() => hashRecoveryCode('', c)).toThrow(TypeError);
  });

  it('property: any number of generated codes are well formed, from the alphabet only', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), (sets) => {
        for (let i = 0; i < sets; i += 1) {
          for (const c of generateRecoveryCodes(USER).codes) expect(c.reveal()).toMatch(FORMAT);
        }
      }),
      { numRuns: 20 },
    );
  });

  it('symbols are uniform over the alphabet (chi-square, loose)', () => {
    const counts = new Map<string, number>([...RECOVERY_CODE_ALPHABET].map((s) => [s, 0]));
    const samples = 500; // sets of 10 codes × 12 symbols = 60,000 symbols, 1,875 expected per symbol
    for (let i = 0; i < samples; i += 1) {
      for (const c of generateRecoveryCodes(USER).codes) {
        for (const s of c.reveal().replaceAll('-', '')) counts.set(s, (counts.get(s) ?? 0) + 1);
      }
    }
    expect(counts.size).toBe(32);
    const expected = (samples * 10 * 12) / 32;
    const chiSquare = [...counts.values()].reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
    // 31 degrees of freedom: mean 31; P(χ² > 80) < 1e-5. A modulo bias or a missing symbol is far above.
    expect(chiSquare).toBeLessThan(80);
  });
});

describe('randomString: rejection sampling', () => {
  it('property: fed each byte value once, every symbol of any alphabet size comes out equally often', () => {
    const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 256 }), (size) => {
        const alphabet = String.fromCharCode(...Array.from({ length: size }, (_, i) => 0x100 + i));
        const limit = 256 - (256 % size);
        let fed = false;
        const once = () => {
          if (fed) throw new Error('asked twice');
          fed = true;
          return allBytes;
        };
        // Exactly the `limit` accepted bytes are used: each symbol floor(256 / size) times.
        const out = randomString(alphabet, limit, once);
        const counts = new Map<string, number>();
        for (const s of out) counts.set(s, (counts.get(s) ?? 0) + 1);
        expect(counts.size).toBe(size);
        for (const n of counts.values()) expect(n).toBe(Math.floor(256 / size));
      }),
    );
  });

  it('skips the bytes past the largest multiple of the alphabet size', () => {
    // Alphabet of 3: limit 255, so byte 255 is rejected and the next byte is used.
    const bytes = [255, 4];
    expect(randomString('abc', 1, () => Uint8Array.from(bytes.splice(0, 1)))).toBe('b');
  });

  it('refuses alphabets with repeated symbols or fewer than two', () => {
    expect(() => randomString('aa', 4)).toThrow(RangeError);
    expect(() => randomString('a', 4)).toThrow(RangeError);
  });
});
