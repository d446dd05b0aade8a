/**
 * Whether two passwords a caller sent are the same password (their NFC forms), compared in constant
 * time over their SHA-256 digests: a new password equal to the current one is no change.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Secret } from '../../../kernel/domain/secret.js';

function digestOf(password: Secret<string>): Buffer {
  return createHash('sha256').update(password.reveal().normalize('NFC'), 'utf8').digest();
}

export function samePassword(left: Secret<string>, right: Secret<string>): boolean {
  return timingSafeEqual(digestOf(left), digestOf(right));
}
