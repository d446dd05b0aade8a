/**
 * Issue 21 item 5: the password policy of NIST SP 800-63B §3.1.1.2 states its minimum and refuses
 * repetitive and sequential characters by default, and the refusal names the rule it broke —
 * never the password. `aaaaaaaaaaaaaaaa` passed before this.
 */
import { describe, expect, it } from 'vitest';
import {
  NEW_PASSWORD_DESCRIPTION,
  PasswordPolicy,
  isRepeatedGroup,
  isSequentialRuns,
} from '../../src/identity/accounts/domain/password-policy.js';
import { commonPasswords } from '../../src/identity/accounts/crypto/common-passwords.js';
import { requireAcceptablePassword } from '../../src/identity/accounts/services/new-password.js';
import { DomainError } from '../../src/kernel/domain/errors.js';
import { secret } from '../../src/kernel/domain/secret.js';

const policy = new PasswordPolicy({ commonPasswords: commonPasswords(), contextWords: ['rampart'] });
const check = (password: string) => policy.check(secret(password));

function refusal(password: string): DomainError {
  try {
    requireAcceptablePassword(policy, secret(password), 'password');
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('the password was accepted');
}

describe('adoption 5: the password policy refuses repeated and sequential characters', () => {
  it('adoption 5: refuses one character or a short group repeated (aaaa…, abab…, abcabc…)', () => {
    for (const password of [
      'aaaaaaaaaaaaaaaa',
      'aaaaaaaaaaaa',
      'AAAAaaaaAAAA',
      'abababababab',
      'abcabcabcabc',
      '1a2b1a2b1a2b1a2b',
      '!!!!!!!!!!!!',
    ]) {
      expect({ password, result: check(password) }).toEqual({ password, result: { ok: false, reason: 'repeated' } });
    }
  });

  it('adoption 5: refuses runs of sequential characters up or down (abcdefghijkl, 234567890123, 1234abcd5678)', () => {
    // 123456789012 itself is on the common-password list, refused before this rule.
    expect(check('123456789012')).toEqual({ ok: false, reason: 'common' });
    for (const password of [
      'abcdefghijkl',
      'ABCDEFGHIJKLMNOP',
      '234567890123',
      '210987654321',
      'zyxwvutsrqpo',
      '1234abcd5678',
      'mnopqr987654',
    ]) {
      expect({ password, result: check(password) }).toEqual({ password, result: { ok: false, reason: 'sequential' } });
    }
  });

  it('adoption 5: keeps passwords that only contain a short run or a repeat among other characters', () => {
    for (const password of ['abcd horse battery staple', 'aaaa-Tq9!vLm#2xW', 'correct horse battery 42', 'pqrs 9a8b7c6d']) {
      expect({ password, result: check(password) }).toEqual({ password, result: { ok: true } });
    }
    // A group longer than four characters repeated is a long passphrase, not a pattern.
    expect(isRepeatedGroup([...'kestrelkestrel'])).toBe(false);
    expect(isSequentialRuns([...'abxy'])).toBe(false);
    expect(isSequentialRuns([])).toBe(false);
  });

  it('adoption 5: the error names the rule and the minimum of 12, and never echoes the password', () => {
    const cases: [string, RegExp][] = [
      ['Tq9!vLm#2x', /shorter than 12 characters, the minimum length/],
      ['aaaaaaaaaaaaaaaa', /repeats one character or a short group/],
      ['abcdefghijkl', /sequential characters/],
      ['password1234', /common or breached password/],
    ];
    for (const [password, rule] of cases) {
      const error = refusal(password);
      expect(error.code).toBe('validation_failed');
      expect(error.detail).toMatch(rule);
      expect(error.detail.startsWith('password: ')).toBe(true);
      expect(JSON.stringify({ detail: error.detail, extensions: error.extensions })).not.toContain(password);
    }
  });

  it('adoption 5: the policy in words, for every password field of the OpenAPI document, states the minimum and every rule', () => {
    expect(NEW_PASSWORD_DESCRIPTION).toMatch(/^A new password: 12 to 128 characters/);
    for (const rule of ['common or breached', 'repeats one character', 'sequential characters', 'host name', 'NIST SP 800-63B']) {
      expect(NEW_PASSWORD_DESCRIPTION).toContain(rule);
    }
  });
});
