/**
 * API key material: `rk_` + base64url of 32 bytes from crypto.randomBytes (256 bits), stored only
 * as SHA-256 hex. The key is looked up by that hash; a key's display prefix is `rk_` and its first
 * six characters (36 bits: enough to tell keys apart in a list, far from enough to use one, and
 * short of the eight characters after `rk_` that the log redaction treats as a credential).
 */
import { createHash, randomBytes } from 'node:crypto';
import { secret, type Secret } from '../../kernel/domain/secret.js';

export const API_KEY_PREFIX = 'rk_';
/** `rk_` + 43 base64url characters (32 bytes, unpadded). */
const SHAPE = /^rk_[A-Za-z0-9_-]{43}$/;
const DISPLAY_LENGTH = API_KEY_PREFIX.length + 6;

/** A fresh key, shown once. */
export function newApiKey(): Secret<string> {
  return secret(`${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`);
}

/** Whether `value` has the exact shape of a key we issue (checked before anything is hashed). */
export function isApiKeyShape(value: string): boolean {
  return SHAPE.test(value);
}

/** Whether a bearer credential claims to be an API key (it may still be malformed). */
export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(API_KEY_PREFIX);
}

/** SHA-256 hex: the only form in which a key is stored or looked up. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The display prefix of a key. */
export function apiKeyPrefix(key: string): string {
  return key.slice(0, DISPLAY_LENGTH);
}

/** `key_` + 128 random bits, hex: the key's public id. */
export function newApiKeyId(): string {
  return `key_${randomBytes(16).toString('hex')}`;
}
