/** The session cookie's reader and writer, and the CSRF token derived from its secret. */
import { describe, expect, it } from 'vitest';
import {
  clearSessionCookie,
  cookieSecretMatches,
  csrfTokenMatches,
  csrfTokenOf,
  hashCookieSecret,
  newCookieSecret,
  readSessionCookie,
  sessionCookieValue,
  setSessionCookie,
} from '../../../src/identity/browser/crypto/session-cookie.js';
import { secret } from '../../../src/kernel/domain/secret.js';

const ID = `ses_${'0a'.repeat(16)}`;
const SECRET = 'S'.repeat(43);
const VALUE = `__Host-rampart_session=${ID}.${SECRET}`;

describe('readSessionCookie', () => {
  it('finds the cookie among others, at any position', () => {
    for (const header of [VALUE, `a=1; ${VALUE}`, `a=1;${VALUE}; b=2`, `${VALUE}; b=2`]) {
      const parsed = readSessionCookie(header);
      expect(typeof parsed).toBe('object');
      if (typeof parsed === 'object') {
        expect(parsed.sessionId).toBe(ID);
        expect(parsed.secret.reveal()).toBe(SECRET);
      }
    }
  });

  it('does not take a cookie whose name merely ends with ours, and still finds ours after it', () => {
    expect(readSessionCookie(`x${VALUE}`)).toBe('absent');
    const parsed = readSessionCookie(`x__Host-rampart_session=${ID}.${'E'.repeat(43)}; ${VALUE}`);
    expect(typeof parsed === 'object' ? parsed.secret.reveal() : parsed).toBe(SECRET);
  });

  it('absent without the cookie; invalid for a value of the wrong shape', () => {
    expect(readSessionCookie(undefined)).toBe('absent');
    expect(readSessionCookie('a=1; b=2')).toBe('absent');
    for (const value of [
      '',
      'x',
      `${ID}`,
      `${ID}.short`,
      `usr_${'0a'.repeat(16)}.${SECRET}`,
      `${ID}.${SECRET}.x`,
      `${ID}.${'%'.repeat(43)}`,
    ]) {
      expect(readSessionCookie(`__Host-rampart_session=${value}`)).toBe('invalid');
    }
  });
});

describe('cookie secrets and the CSRF token', () => {
  it('a new secret is 256 bits, stored only as its SHA-256, compared in constant time', () => {
    const s = newCookieSecret();
    expect(s.reveal()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newCookieSecret().reveal()).not.toBe(s.reveal());
    const stored = hashCookieSecret(s);
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(cookieSecretMatches(s, stored)).toBe(true);
    expect(cookieSecretMatches(newCookieSecret(), stored)).toBe(false);
    expect(sessionCookieValue(ID, s).reveal()).toBe(`${ID}.${s.reveal()}`);
  });

  it('the CSRF token depends on the secret and is checked exactly', () => {
    const s = secret(SECRET);
    const token = csrfTokenOf(s).reveal();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(csrfTokenMatches(s, token)).toBe(true);
    expect(csrfTokenMatches(secret('T'.repeat(43)), token)).toBe(false);
    expect(csrfTokenMatches(s, token.slice(1))).toBe(false);
    expect(csrfTokenMatches(s, '')).toBe(false);
  });

  it('Set-Cookie lines carry the __Host- prefix requirements exactly', () => {
    expect(setSessionCookie(secret(`${ID}.${SECRET}`))).toBe(`${VALUE}; Path=/; Secure; HttpOnly; SameSite=Strict`);
    expect(clearSessionCookie()).toBe('__Host-rampart_session=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Strict');
  });
});
