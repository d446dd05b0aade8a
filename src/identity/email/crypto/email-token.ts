/**
 * The one-time tokens the email flows mail (verification, password reset, email change): `et_` +
 * 256 random bits (base64url), stored only as SHA-256 hex, so the table never holds a usable link.
 */
import { createHash, randomBytes } from 'node:crypto';
import { secret, type Secret } from '../../../kernel/domain/secret.js';

export const EMAIL_TOKEN_PREFIX = 'et_';

export function newEmailToken(): Secret<string> {
  return secret(`${EMAIL_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`);
}

/** SHA-256 hex: what the store holds and looks up. */
export function hashEmailToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** SHA-256 hex of an address, for rate-limit keys: no address is kept in the limiter's store. */
export function addressKey(email: string): string {
  return createHash('sha256').update(`rampart/email-rate/v1\n${email}`, 'utf8').digest('hex');
}
