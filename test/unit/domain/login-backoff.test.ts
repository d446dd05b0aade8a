import { describe, expect, it } from 'vitest';
import { loginBackoffMs, MAX_LOGIN_BACKOFF_MS, normaliseEmail } from '../../../src/identity/accounts/domain/user.js';

describe('loginBackoffMs', () => {
  it('is free for the first 5 failures, then doubles from 1 s', () => {
    expect([0, 1, 4].map(loginBackoffMs)).toEqual([0, 0, 0]);
    expect([5, 6, 7, 8].map(loginBackoffMs)).toEqual([1000, 2000, 4000, 8000]);
  });

  it('never exceeds 15 minutes: no permanent lockout an attacker could trigger', () => {
    expect(loginBackoffMs(15)).toBe(MAX_LOGIN_BACKOFF_MS);
    expect(loginBackoffMs(10_000)).toBe(15 * 60 * 1000);
    expect(loginBackoffMs(Number.NaN)).toBe(0);
  });

  it('compares emails lower-cased and trimmed', () => {
    expect(normaliseEmail('  Admin@Example.TEST ')).toBe('admin@example.test');
  });
});
