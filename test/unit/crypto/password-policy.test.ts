import { describe, expect, it } from 'vitest';
import { commonPasswords } from '../../../src/identity/accounts/crypto/common-passwords.js';
import { PasswordPolicy } from '../../../src/identity/accounts/domain/password-policy.js';
import { secret } from '../../../src/kernel/domain/secret.js';

const policy = new PasswordPolicy({ commonPasswords: commonPasswords() });
const check = (password: string) => policy.check(secret(password));

describe('the common-password list shipped with the package', () => {
  it('holds at least 10,000 entries, in lower case', () => {
    const list = commonPasswords();
    expect(list.size).toBeGreaterThanOrEqual(10_000);
    expect(list.has('password')).toBe(true);
    expect(list.has('PASSWORD')).toBe(false);
    expect(commonPasswords()).toBe(list);
    expect(Object.isFrozen(list)).toBe(true);
  });
});

describe('PasswordPolicy', () => {
  it('accepts 12 characters and refuses 11 by default', () => {
    expect(check('vq8#Lm2!xR4z')).toEqual({ ok: true });
    expect(check('vq8#Lm2!xR4')).toEqual({ ok: false, reason: 'too_short' });
  });

  it('accepts 128 characters and refuses 129', () => {
    // A group of eight repeated: longer than the groups the `repeated` rule refuses (issue 21 item 5).
    expect(check('a7Kq#m2Z'.repeat(16))).toEqual({ ok: true });
    expect(check('a7Kq#m2Z'.repeat(16) + 'x')).toEqual({ ok: false, reason: 'too_long' });
  });

  it('counts code points of the NFC form: composed and decomposed "é" count the same', () => {
    const composed = 'r\u00e9sum\u00e9-of-99'; // 12 code points
    const decomposed = 're\u0301sume\u0301-of-99'; // 14 code points before NFC
    expect([...composed]).toHaveLength(12);
    expect([...decomposed]).toHaveLength(14);
    expect(check(composed)).toEqual({ ok: true });
    expect(check(decomposed)).toEqual({ ok: true });
    expect(check(decomposed.slice(0, -1))).toEqual({ ok: false, reason: 'too_short' });
  });

  it('counts an emoji as one character, not two UTF-16 units', () => {
    expect(check('🔐🦊🏰🐉🌋🎯'.repeat(2))).toEqual({ ok: true });
    expect(check('🔐'.repeat(11))).toEqual({ ok: false, reason: 'too_short' });
    expect(check('🔐'.repeat(129))).toEqual({ ok: false, reason: 'too_long' });
  });

  it('refuses common passwords, whatever their case', () => {
    for (const common of ['password1234', 'qwertyuiop123']) {
      expect(commonPasswords().has(common)).toBe(true);
      expect(check(common)).toEqual({ ok: false, reason: 'common' });
    }
    expect(check('PassWord1234')).toEqual({ ok: false, reason: 'common' });
    expect(check('PASSWORD1234')).toEqual({ ok: false, reason: 'common' });
  });

  it('has no composition rules: a long lower-case passphrase is fine', () => {
    expect(check('purple elephants juggle quietly')).toEqual({ ok: true });
  });

  it('takes a configurable minimum of at least 8', () => {
    const eight = new PasswordPolicy({ minLength: 8, commonPasswords: commonPasswords() });
    expect(eight.check(secret('x7#kQ2!m'))).toEqual({ ok: true });
    expect(eight.check(secret('x7#kQ2!'))).toEqual({ ok: false, reason: 'too_short' });
    for (const minLength of [7, 129, 12.5, Number.NaN]) {
      expect(() => new PasswordPolicy({ minLength, commonPasswords: commonPasswords() })).toThrow(RangeError);
    }
  });

  it('never returns the password', () => {
    expect(JSON.stringify(check('password1234'))).not.toContain('password1234');
  });
});
