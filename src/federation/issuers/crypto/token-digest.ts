/**
 * The cache key of a bearer token: base64url of its SHA-256, so the verified-token cache never
 * holds a usable credential (a heap dump shows hashes only).
 */
import { hash } from 'node:crypto';

export function tokenDigest(token: string): string {
  // The one-shot form costs half of a Hash object's on every request.
  return hash('sha256', token, 'base64url');
}
