/** One-time set-password tokens: `pt_` + 256 random bits (base64url); stored only as SHA-256 hex. */
import { createHash, randomBytes } from 'node:crypto';
import { secret, type Secret } from '../../../kernel/domain/secret.js';

export const PASSWORD_TOKEN_PREFIX = 'pt_';

export function newPasswordToken(): Secret<string> {
  return secret(`${PASSWORD_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`);
}

/** SHA-256 hex: what the store holds and looks up. */
export function hashPasswordToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
