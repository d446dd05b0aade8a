/**
 * Randomness for every capability, from the CSPRNG only (crypto.randomBytes / randomUUID): keys,
 * nonces, one-time tokens and ids. Code outside crypto/ folders asks here instead of importing
 * node:crypto (lint: eslint/boundaries.js).
 */
import { randomBytes, randomUUID } from 'node:crypto';

/** `size` random bytes: a key, an IV or a salt. */
export function randomKey(size: number): Buffer {
  return randomBytes(size);
}

/** `size` random bytes as base64url: a one-time token or the random part of an id. */
export function randomToken(size: number): string {
  return randomBytes(size).toString('base64url');
}

/** A random RFC 9562 version 4 UUID. */
export function randomUuid(): string {
  return randomUUID();
}
