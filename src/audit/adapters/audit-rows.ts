/**
 * Conversions between the audit log's rows and its entries: an event as it is queued (its
 * `details` already in canonical JSON text), and a stored row read back as an entry. Hashes are
 * standard base64 in the database.
 */
import { parsePersonalRef, personalRefText } from '../crypto/audit-personal.js';
import { canonicalJson, canonicalString } from '../../kernel/crypto/canonical-json.js';
import type { AuditActorType, AuditEntry, AuditEntryFields } from '../../kernel/domain/audit-entry.js';
import type { AuditEntryColumns } from './audit-tables.js';

/** The columns of `event` recorded at `timestamp`. Throws `CanonicalJsonError` on details that are not JSON. */
export function entryColumns(event: AuditEntryFields, timestamp: number): AuditEntryColumns {
  return {
    timestamp,
    org: event.org,
    actor_type: event.actor.type,
    actor_id: event.actor.id,
    action: event.action,
    resource: event.resource,
    result: event.result,
    reason: event.reason ?? null,
    source_ip: event.sourceIp,
    request_id: event.requestId,
    user_agent: event.userAgent ?? null,
    details: event.details === undefined ? null : canonicalJson(event.details),
    subject: event.subject ?? null,
    format: 1,
    personal: null,
    sealed: null,
  };
}

/** The entry a row holds, at `index`. */
export function rowEntry(row: AuditEntryColumns, index: number): AuditEntry {
  return {
    index,
    timestamp: row.timestamp,
    org: row.org,
    actor: { type: row.actor_type as AuditActorType, id: row.actor_id },
    action: row.action,
    resource: row.resource,
    result: row.result as 'success' | 'failure',
    sourceIp: row.source_ip,
    requestId: row.request_id,
    ...(row.reason === null ? {} : { reason: row.reason }),
    ...(row.user_agent === null ? {} : { userAgent: row.user_agent }),
    ...(row.details === null ? {} : { details: JSON.parse(row.details) as Record<string, unknown> }),
    // Format 2 keeps the subject out of the leaf (it names whose key seals the personal fields).
    ...(row.subject === null || row.format === 2 ? {} : { subject: row.subject }),
  };
}

const nullable = (value: string | null): string => (value === null ? 'null' : canonicalString(value));

/**
 * The leaf text of a stored or queued row at `index`: `auditLeaf(rowEntry(row, index),
 * parsePersonalRef(row.personal))`, spelled directly — members in RFC 8785 order, `details`
 * (canonical JSON already) copied as it is — since every appended entry pays for it. `personal`,
 * when the caller has it, saves parsing the column again.
 */
export function rowLeaf(row: AuditEntryColumns, index: number, personal = parsePersonalRef(row.personal)): string {
  return leafAt(rowLeafParts(row, personal), index);
}

/** A leaf text without its index: what comes before `"index":` and after its value, spelled before the index is known. */
export type LeafParts = readonly [head: string, tail: string];

/** The leaf of {@link rowLeafParts} at `index`. */
export function leafAt(parts: LeafParts, index: number): string {
  return `${parts[0]}${canonicalJson(index)}${parts[1]}`;
}

/** {@link rowLeaf} in two parts around the index (`index` sorts between `details` and `org`). */
export function rowLeafParts(row: AuditEntryColumns, personal = parsePersonalRef(row.personal)): LeafParts {
  const q = canonicalString;
  let head = `{"action":${q(row.action)},"actor":{"id":${nullable(row.actor_id)},"type":${q(row.actor_type)}}`;
  if (row.details !== null) head += `,"details":${row.details}`;
  head += ',"index":';
  let tail = `,"org":${q(row.org)}`;
  if (personal !== undefined) tail += `,"personal":${personalRefText(personal)}`;
  if (row.reason !== null) tail += `,"reason":${q(row.reason)}`;
  tail += `,"request_id":${nullable(row.request_id)},"resource":${q(row.resource)},"result":${q(row.result)}`;
  tail += `,"source_ip":${nullable(row.source_ip)}`;
  // Format 2 keeps the subject out of the leaf (see rowEntry).
  if (row.subject !== null && row.format !== 2) tail += `,"subject":${q(row.subject)}`;
  tail += `,"timestamp":${q(new Date(row.timestamp).toISOString())}`;
  if (row.user_agent !== null) tail += `,"user_agent":${q(row.user_agent)}`;
  return [head, `${tail}}`];
}

/** The PostgreSQL type of a column written with `unnest` (audit-tree-append.ts). */
export type ColumnType = 'bigint' | 'integer' | 'text';

/** The columns of an entry (`audit_pending` without `seq`), in table order, with their PostgreSQL types. */
export const ENTRY_COLUMNS = [
  ['timestamp', 'bigint'],
  ['org', 'text'],
  ['actor_type', 'text'],
  ['actor_id', 'text'],
  ['action', 'text'],
  ['resource', 'text'],
  ['result', 'text'],
  ['reason', 'text'],
  ['source_ip', 'text'],
  ['request_id', 'text'],
  ['user_agent', 'text'],
  ['details', 'text'],
  ['subject', 'text'],
  ['format', 'integer'],
  ['personal', 'text'],
  ['sealed', 'text'],
] as const satisfies readonly (readonly [keyof AuditEntryColumns, ColumnType])[];

// Every column of AuditEntryColumns is listed: a column added to the type and not here fails to compile.
type Unlisted = Exclude<keyof AuditEntryColumns, (typeof ENTRY_COLUMNS)[number][0]>;
const everyColumnListed: [Unlisted] extends [never] ? true : never = true;
void everyColumnListed;

/** Only the entry columns of a row that has more (`seq`, `leaf`, …). */
export function onlyEntryColumns(row: AuditEntryColumns): AuditEntryColumns {
  const columns: Record<string, unknown> = {};
  for (const [name] of ENTRY_COLUMNS) columns[name] = row[name];
  return columns as unknown as AuditEntryColumns;
}

export const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
export const fromBase64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));
