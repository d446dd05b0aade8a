/**
 * The leaf bytes of an audit entry: RFC 8785 canonical JSON of the entry as spec/api-v1.md
 * ("Audit") lists its fields, `leaf_hash` excluded (it is derived from these bytes):
 *
 *   {"action", "actor": {"id", "type"}, "details"?, "index", "org", "reason"?, "request_id",
 *    "resource", "result", "source_ip", "subject"?, "timestamp", "user_agent"?}
 *
 * `timestamp` is RFC 3339 UTC with milliseconds (`2026-01-01T00:00:00.000Z`); absent optional
 * fields are omitted, never null. The index is inside the leaf, so an entry moved to another
 * position no longer matches its leaf. The leaf hash is `SHA-256(0x00 ‖ leaf)` (RFC 9162 §2.1.1).
 */
import type { AuditEntry } from '../domain/audit-entry.js';
import { canonicalJson } from './canonical-json.js';
import { leafHash } from './merkle-hasher.js';

/** The JSON object whose canonical form is the leaf. */
export function auditLeafObject(entry: AuditEntry): Record<string, unknown> {
  const leaf: Record<string, unknown> = {
    index: entry.index,
    timestamp: new Date(entry.timestamp).toISOString(),
    org: entry.org,
    actor: { type: entry.actor.type, id: entry.actor.id },
    action: entry.action,
    resource: entry.resource,
    result: entry.result,
    source_ip: entry.sourceIp,
    request_id: entry.requestId,
  };
  if (entry.reason !== undefined) leaf.reason = entry.reason;
  if (entry.userAgent !== undefined) leaf.user_agent = entry.userAgent;
  if (entry.details !== undefined) leaf.details = entry.details;
  if (entry.subject !== undefined) leaf.subject = entry.subject;
  return leaf;
}

/** The leaf text: canonical JSON of {@link auditLeafObject}. Throws `CanonicalJsonError` on non-JSON details. */
export function auditLeaf(entry: AuditEntry): string {
  return canonicalJson(auditLeafObject(entry));
}

/** `SHA-256(0x00 ‖ leaf)` of a leaf text. */
export function auditLeafHash(leaf: string): Uint8Array {
  return leafHash(new Uint8Array(Buffer.from(leaf, 'utf8')));
}
