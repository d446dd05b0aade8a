/**
 * The browser-session cookie (test/fixtures/spec-api-v1.md, "Authentication"): `__Host-rampart_session` =
 * `<session id>.<secret>`, the secret 256 random bits in base64url, stored server-side only as
 * SHA-256 hex. The `__Host-` prefix (RFC 6265bis §4.1.3.2) makes browsers refuse the cookie unless
 * it is `Secure`, has `Path=/` and no `Domain`, so a sibling subdomain cannot plant or shadow it.
 *
 * The CSRF token of a session is HMAC-SHA-256(secret, label): derivable from the cookie the browser
 * sends, never stored, unguessable without the (HttpOnly) secret, and new with every new session id.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { secret, type Secret } from '../../../kernel/domain/secret.js';

export const SESSION_COOKIE_NAME = '__Host-rampart_session';

/** `ses_` + 32 hex, a dot, 43 base64url characters (32 bytes). */
const VALUE_SHAPE = /^(ses_[0-9a-f]{32})\.([A-Za-z0-9_-]{43})$/;
const CSRF_LABEL = 'rampart/v1/csrf-token';

/** A parsed cookie value: the session id and the secret that proves it. */
export interface SessionCookieValue {
  readonly sessionId: string;
  readonly secret: Secret<string>;
}

/** A fresh cookie secret. */
export function newCookieSecret(): Secret<string> {
  return secret(randomBytes(32).toString('base64url'));
}

/** SHA-256 hex: the only form in which a cookie secret is stored. */
export function hashCookieSecret(value: Secret<string>): string {
  return createHash('sha256').update(value.reveal(), 'utf8').digest('hex');
}

/** Constant-time comparison of the presented secret with the stored hash. */
export function cookieSecretMatches(value: Secret<string>, storedHash: string): boolean {
  const presented = Buffer.from(hashCookieSecret(value), 'utf8');
  const stored = Buffer.from(storedHash, 'utf8');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

/** The cookie's value for a session. */
export function sessionCookieValue(sessionId: string, cookieSecret: Secret<string>): Secret<string> {
  return secret(`${sessionId}.${cookieSecret.reveal()}`);
}

/**
 * Finds our cookie in a `Cookie` header (RFC 6265 §5.4: `name=value` pairs separated by `; `).
 * Only the first cookie of that name counts; a value of the wrong shape is `invalid`, so a
 * planted or damaged cookie is refused rather than ignored.
 */
export function readSessionCookie(header: string | undefined): SessionCookieValue | 'absent' | 'invalid' {
  if (header === undefined) return 'absent';
  const name = `${SESSION_COOKIE_NAME}=`;
  let at = header.indexOf(name);
  // The name must start the header or follow a separator: `x__Host-rampart_session=` is another cookie.
  while (at > 0 && header[at - 1] !== ' ' && header[at - 1] !== ';') at = header.indexOf(name, at + 1);
  if (at === -1) return 'absent';
  const start = at + name.length;
  const end = header.indexOf(';', start);
  const raw = (end === -1 ? header.slice(start) : header.slice(start, end)).trim();
  const match = VALUE_SHAPE.exec(raw);
  if (match === null) return 'invalid';
  return { sessionId: match[1] ?? '', secret: secret(match[2] ?? '') };
}

/** The `Set-Cookie` header that sets the session cookie (a session cookie: no Max-Age). */
export function setSessionCookie(value: Secret<string>): string {
  return `${SESSION_COOKIE_NAME}=${value.reveal()}; Path=/; Secure; HttpOnly; SameSite=Strict`;
}

/** The `Set-Cookie` header that removes it. */
export function clearSessionCookie(): string {
  return `${SESSION_COOKIE_NAME}=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Strict`;
}

/** The session's CSRF token (see the file header). */
export function csrfTokenOf(cookieSecret: Secret<string>): Secret<string> {
  return secret(createHmac('sha256', cookieSecret.reveal()).update(CSRF_LABEL, 'utf8').digest('base64url'));
}

/** Constant-time check of a presented CSRF token. */
export function csrfTokenMatches(cookieSecret: Secret<string>, presented: string): boolean {
  const expected = Buffer.from(csrfTokenOf(cookieSecret).reveal(), 'utf8');
  const given = Buffer.from(presented, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
