/**
 * Service-client credentials: the `client_id` (`cli_` + 128 random bits, hex) and the client
 * secret (256 bits from crypto.randomBytes, base64url), stored as SHA-256 hex only. A secret of
 * 256 random bits needs no slow hash: SHA-256 of it cannot be reversed or guessed. Comparison is
 * constant-time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { secret, type Secret } from '../../kernel/domain/secret.js';

const CLIENT_ID = /^cli_[a-f0-9]{32}$/;
const SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function newClientId(): string {
  return `cli_${randomBytes(16).toString('hex')}`;
}

export function isClientId(value: string): boolean {
  return CLIENT_ID.test(value);
}

/** A fresh client secret, shown once. */
export function newClientSecret(): Secret<string> {
  return secret(randomBytes(32).toString('base64url'));
}

export function hashClientSecret(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Whether `presented` is the secret whose SHA-256 hex is `storedHash`, in constant time. */
export function clientSecretMatches(presented: string, storedHash: string): boolean {
  // The hash of anything has the same length, so the comparison's time says nothing about `presented`.
  const left = Buffer.from(hashClientSecret(SECRET_SHAPE.test(presented) ? presented : `!${presented}`), 'hex');
  const right = Buffer.from(storedHash, 'hex');
  return left.length === right.length && timingSafeEqual(left, right) && SECRET_SHAPE.test(presented);
}
