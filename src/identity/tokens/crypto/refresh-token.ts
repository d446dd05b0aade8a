/**
 * Refresh tokens: opaque, 256 bits from crypto.randomBytes, `rt_` + base64url, stored only as
 * SHA-256 hex. A rotation's successor is not random but derived, `rt_` + base64url(HMAC-SHA-256(
 * key, old token)), so it is never stored in clear and yet can be handed out again: inside the
 * reuse grace period, a replay of the token just rotated gets the same successor (two racing tabs
 * end with one token instead of a revoked session). The HMAC key comes from the master key (HKDF).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { secret, type Secret } from '../../../kernel/domain/secret.js';

export const REFRESH_TOKEN_PREFIX = 'rt_';
/** `rt_` + 43 base64url characters (32 bytes). */
const SHAPE = /^rt_[A-Za-z0-9_-]{43}$/;

/** A fresh refresh token (the first of a session). */
export function newRefreshToken(): Secret<string> {
  return secret(`${REFRESH_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`);
}

/** Whether `token` has the shape of a refresh token we issue (checked before anything is hashed). */
export function isRefreshTokenShape(token: string): boolean {
  return SHAPE.test(token);
}

/** SHA-256 hex: the only form in which a refresh token is stored or looked up. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The successor of `token` under `key` (see the file header). */
export function successorRefreshToken(key: Secret<Buffer>, token: string): Secret<string> {
  return secret(`${REFRESH_TOKEN_PREFIX}${createHmac('sha256', key.reveal()).update(token, 'utf8').digest('base64url')}`);
}

/** Constant-time comparison of two hex hashes. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
