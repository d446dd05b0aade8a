/**
 * The `mfa_token` of a login waiting for its second factor: `mfa_` + 256 random bits (base64url),
 * stored only as SHA-256 hex, like refresh tokens. A value of another shape is refused before any
 * lookup.
 */
import { createHash, randomBytes } from 'node:crypto';
import { secret, type Secret } from '../../../kernel/domain/secret.js';

const SHAPE = /^mfa_[A-Za-z0-9_-]{43}$/;

/** A fresh token (shown to the client once). */
export function newMfaToken(): Secret<string> {
  return secret(`mfa_${randomBytes(32).toString('base64url')}`);
}

/** The hex SHA-256 to look the token up by, or `null` when it is not of our shape. */
export function hashMfaToken(token: Secret<string>): string | null {
  const value = token.reveal();
  return SHAPE.test(value) ? createHash('sha256').update(value, 'utf8').digest('hex') : null;
}
