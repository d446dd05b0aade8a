/**
 * HMAC-SHA-256 (RFC 2104) of a JSON document's RFC 8785 canonical form, under a key derived from
 * the master key (`backup-signing`): it authenticates backup manifests and drill reports. A domain
 * string keeps a manifest's tag from ever verifying as a report's, and the comparison is
 * constant-time. docs/decisions/020-backups.md says why an HMAC and not a public-key signature.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from '../../kernel/crypto/canonical-json.js';

/** What is signed: a manifest or a drill report. */
export type SignedKind = 'manifest' | 'drill-report';

/** The base64url tag of `document` (canonical JSON) for `kind`. */
export function signDocument(key: Uint8Array, kind: SignedKind, document: unknown): string {
  return createHmac('sha256', key).update(`rampart-backup/1 ${kind}\n`).update(canonicalJson(document)).digest('base64url');
}

/** Whether `tag` is `document`'s tag for `kind` under `key`. */
export function verifyDocument(key: Uint8Array, kind: SignedKind, document: unknown, tag: string): boolean {
  const expected = Buffer.from(signDocument(key, kind, document), 'base64url');
  const given = Buffer.from(tag, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
