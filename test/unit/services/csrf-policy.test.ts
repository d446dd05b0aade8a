/** The CSRF rule (identity/browser/services/csrf-policy.ts) on its own: which header combinations pass. */
import { describe, expect, it } from 'vitest';
import { csrfTokenOf } from '../../../src/identity/browser/crypto/session-cookie.js';
import { DomainError } from '../../../src/kernel/domain/errors.js';
import { secret } from '../../../src/kernel/domain/secret.js';
import { MemoryDpopReplayCache } from '../../../src/identity/browser/adapters/memory-dpop-replay-cache.js';
import { CsrfPolicy } from '../../../src/identity/browser/services/csrf-policy.js';

const policy = new CsrfPolicy('https://rampart.example.test/base', ['https://app.example.test']);
const SECRET = 'S'.repeat(43);
const cookie = `__Host-rampart_session=ses_${'0a'.repeat(16)}.${SECRET}`;

function refused(method: string, headers: Record<string, string>): boolean {
  try {
    policy.check(method, headers);
    return false;
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('csrf_failed');
    return true;
  }
}

describe('CsrfPolicy', () => {
  it('safe methods always pass', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) expect(refused(method, { origin: 'https://evil.example' })).toBe(false);
  });

  it('unsafe methods need an allowed origin, same-origin fetch metadata, or the session token', () => {
    expect(refused('POST', { cookie })).toBe(true);
    expect(refused('POST', { cookie, origin: 'https://rampart.example.test' })).toBe(false);
    expect(refused('PUT', { cookie, origin: 'https://app.example.test' })).toBe(false);
    expect(refused('PATCH', { cookie, origin: 'http://rampart.example.test' })).toBe(true);
    expect(refused('DELETE', { cookie, 'sec-fetch-site': 'same-origin' })).toBe(false);
    expect(refused('DELETE', { cookie, 'sec-fetch-site': 'same-site' })).toBe(true);
    expect(refused('DELETE', { cookie, origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' })).toBe(true);
    expect(refused('POST', { cookie, 'x-rampart-csrf': csrfTokenOf(secret(SECRET)).reveal() })).toBe(false);
    expect(
      refused('POST', { cookie, 'x-rampart-csrf': csrfTokenOf(secret('T'.repeat(43))).reveal(), origin: 'https://rampart.example.test' }),
    ).toBe(true);
    expect(refused('POST', { 'x-rampart-csrf': csrfTokenOf(secret(SECRET)).reveal() })).toBe(true);
  });
});

describe('MemoryDpopReplayCache', () => {
  it('a key is claimed once until it expires; when full of live keys it refuses (fails closed)', async () => {
    const cache = new MemoryDpopReplayCache(2);
    expect(await cache.claim('a', 1000, 0)).toBe(true);
    expect(await cache.claim('a', 1000, 10)).toBe(false);
    expect(await cache.claim('b', 1000, 10)).toBe(true);
    expect(await cache.claim('c', 1000, 10)).toBe(false);
    expect(await cache.claim('c', 3000, 1001)).toBe(true);
    expect(await cache.claim('a', 3000, 1001)).toBe(true);
  });
});
