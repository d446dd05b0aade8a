/**
 * The leaf bytes of an audit entry: RFC 8785 canonical JSON of the entry as test/fixtures/spec-api-v1.md
 * ("Audit") lists its fields, `leaf_hash` excluded (it is derived from these bytes):
 *
 *   {"action", "actor": {"id", "type"}, "details"?, "index", "org", "reason"?, "request_id",
 *    "resource", "result", "source_ip", "subject"?, "timestamp", "user_agent"?}
 *
 * `timestamp` is RFC 3339 UTC with milliseconds (`2026-01-01T00:00:00.000Z`); absent optional
 * fields are omitted, never null. Entries written since migration 0011 carry no `subject` and, when
 * they hold personal data, `"personal": {"commitment", "fields"}` in place of those fields' values
 * (`audit/crypto/audit-personal.ts`): the leaf commits to them without revealing them. The index is inside the leaf, so an entry moved to another
 * position no longer matches its leaf. The leaf hash is `SHA-256(0x00 ‖ leaf)` (RFC 9162 §2.1.1).
 */
import type { AuditEntry } from '../../kernel/domain/audit-entry.js';
import type { PersonalRef } from './audit-personal.js';
import { canonicalJson } from '../../kernel/crypto/canonical-json.js';
import { leafHashOfText } from './merkle-hasher.js';

/** The JSON object whose canonical form is the leaf. */
export function auditLeafObject(entry: AuditEntry, personal?: PersonalRef): Record<string, unknown> {
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
  if (personal !== undefined) leaf.personal = { fields: [...personal.fields], commitment: personal.commitment };
  return leaf;
}

/** The leaf text: canonical JSON of {@link auditLeafObject}. Throws `CanonicalJsonError` on non-JSON details. */
export function auditLeaf(entry: AuditEntry, personal?: PersonalRef): string {
  return canonicalJson(auditLeafObject(entry, personal));
}

/** `SHA-256(0x00 ‖ leaf)` of a leaf text. */
export function auditLeafHash(leaf: string): Uint8Array {
  return leafHashOfText(leaf);
}

/**
 * An entry as listings, `tail` and the SIEM sink show it — the spec's Entry shape
 * (`{index, timestamp, org, actor, action, resource, result, reason?, source_ip, request_id,
 * user_agent?, details?, leaf_hash}`), personal fields disclosed or `[erased]`.
 */
export function auditEntryView(entry: AuditEntry, leafHash: string): Record<string, unknown> {
  const { subject: _subject, ...rest } = entry;
  return { ...auditLeafObject(rest), leaf_hash: leafHash };
}

/** An entry whose payload was dropped (retention: `expired`; a pre-0011 entry of an erased subject: `erased`). */
export function droppedEntryView(
  index: number,
  timestamp: number,
  leafHash: string,
  payload: 'expired' | 'erased',
): Record<string, unknown> {
  return { index, timestamp: new Date(timestamp).toISOString(), payload, leaf_hash: leafHash };
}
