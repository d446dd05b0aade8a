/**
 * An audit entry as the log stores and publishes it (test/fixtures/spec-api-v1.md, "Audit"): the event a
 * service reported, plus the leaf index the tree gave it and the time it was recorded.
 * Also the rules that keep secrets and attacker-sized text out of the log, which is permanent:
 * - text an outsider controls (the user agent, a resource or role name, a reason, the strings in
 *   `details`) is redacted (`redactText`: whatever is shaped like a credential is cut out) and
 *   capped at {@link MAX_AUDIT_TEXT} characters inside the entry — never a reason to refuse the
 *   event, since a refused event would leave a change or an attempt with no trace;
 * - what only a programmer controls is checked and refused: a `details` key named like a secret
 *   (a caller about to log a password), or `details` nested deeper than {@link MAX_DETAILS_DEPTH}.
 */
import { isSensitiveKey, redactText } from './redaction.js';

export type AuditActorType = 'user' | 'api_key' | 'service' | 'system';

/**
 * The audit actions, by name: each capability adds its actions, by declaration merging, in its
 * `domain/audit-actions.ts` (`declare module '../../kernel/domain/audit-entry.js' { interface
 * AuditActions { 'secret.write': true } }`), so that an event with an undeclared action — or an
 * alert rule looking for one — does not compile. The kernel records no action of its own.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface AuditActions {}

/** An action a service may record: one that a capability declared in {@link AuditActions}. */
export type AuditAction = keyof AuditActions & string;

/**
 * The fields of an entry as the log stores them and reads them back: `action` is any string
 * there, since an older log or another version may hold actions this one does not declare.
 */
export interface AuditEntryFields {
  readonly org: string;
  readonly actor: { readonly type: AuditActorType; readonly id: string | null };
  readonly action: string;
  readonly resource: string;
  readonly result: 'success' | 'failure';
  readonly reason?: string;
  readonly sourceIp: string | null;
  readonly requestId: string | null;
  readonly userAgent?: string;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly subject?: string;
}

/** What a service reports (the shape of the `AuditEvent` port type): the fields, with a declared action. */
export interface AuditEventFields extends AuditEntryFields {
  readonly action: AuditAction;
}

/** One entry of the log: leaf `index` of the deployment-wide tree, recorded at `timestamp` (ms). */
export interface AuditEntry extends AuditEntryFields {
  readonly index: number;
  readonly timestamp: number;
}

/** The most characters any stored text of an entry has (user agent, resource, reason, each string in `details`). */
export const MAX_AUDIT_TEXT = 512;
/** How deep `details` may nest. */
export const MAX_DETAILS_DEPTH = 8;

// Redaction runs on a bounded prefix: what lies past it is cut by the cap anyway, and a credential
// that starts before the cap still has all its characters within the prefix the patterns need.
const REDACTION_WINDOW = MAX_AUDIT_TEXT * 4;
const ELLIPSIS = '\u2026';

function cap(text: string): string {
  if (text.length <= MAX_AUDIT_TEXT) return text;
  let end = MAX_AUDIT_TEXT - ELLIPSIS.length;
  // Never split a UTF-16 surrogate pair: a lone surrogate is not valid text for the canonical JSON of the leaf.
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}${ELLIPSIS}`;
}

/** `text` as an entry stores it: credentials cut out (`redactText`), then capped at {@link MAX_AUDIT_TEXT} characters. */
export function auditText(text: string): string {
  return cap(redactText(text.length > REDACTION_WINDOW ? text.slice(0, REDACTION_WINDOW) : text));
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * `value` with every string made safe by {@link auditText}. Only arrays and plain objects are
 * copied: anything else (a `Date`, a `Map`) is kept as it is, for the canonical JSON of the leaf
 * to refuse as not JSON.
 */
function auditDetailsValue(value: unknown): unknown {
  if (typeof value === 'string') return auditText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(auditDetailsValue);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, auditDetailsValue(item)]));
}

/**
 * `event` as the log stores it: its free text — `resource`, `reason`, `user_agent`, `source_ip`
 * and every string in `details` — redacted and capped (see {@link auditText}). Identifiers the
 * server itself chose (`org`, `actor.id`, `action`, `subject`, `request_id`) are kept as they are.
 */
export function auditEntryText<T extends AuditEntryFields>(event: T): T {
  return {
    ...event,
    resource: auditText(event.resource),
    sourceIp: event.sourceIp === null ? null : auditText(event.sourceIp),
    ...(event.reason === undefined ? {} : { reason: auditText(event.reason) }),
    ...(event.userAgent === undefined ? {} : { userAgent: auditText(event.userAgent) }),
    ...(event.details === undefined ? {} : { details: auditDetailsValue(event.details) as Readonly<Record<string, unknown>> }),
  };
}

function detailsProblem(path: string, value: unknown, depth: number): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth > MAX_DETAILS_DEPTH) return `${path} is nested deeper than ${MAX_DETAILS_DEPTH}`;
  const entries = Array.isArray(value) ? value.map((item, i) => [String(i), item] as const) : Object.entries(value);
  for (const [key, item] of entries) {
    if (!Array.isArray(value) && isSensitiveKey(key)) return `${path}.${key} is named like a secret`;
    const problem = detailsProblem(`${path}.${key}`, item, depth + 1);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/**
 * Why `event` must not enter the log — a programmer's error, never something a request can cause:
 * a `details` key named like a secret (passwords, tokens, keys and secret values never appear in
 * an entry, test/fixtures/spec-api-v1.md, "Audit"), or `details` nested too deep. The answer names
 * the field path for the operator's log; it is never shown to a caller.
 */
export function auditEventSecretProblem(event: AuditEntryFields): string | undefined {
  return event.details === undefined ? undefined : detailsProblem('details', event.details, 0);
}
