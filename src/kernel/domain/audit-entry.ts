/**
 * An audit entry as the log stores and publishes it (test/fixtures/spec-api-v1.md, "Audit"): the event a
 * service reported, plus the leaf index the integrator gave it and the time it was recorded.
 * Also the rule that keeps secrets out of the log: an event whose `details` has a field named
 * like a secret, or any text shaped like a credential, is refused — not redacted — because an
 * entry is permanent and a redacted one would hide a caller's bug instead of surfacing it.
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

const MAX_DEPTH = 8;

function textProblem(path: string, value: string): string | undefined {
  return redactText(value) === value ? undefined : `${path} holds a value shaped like a credential`;
}

function detailsProblem(path: string, value: unknown, depth: number): string | undefined {
  if (typeof value === 'string') return textProblem(path, value);
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth > MAX_DEPTH) return `${path} is nested deeper than ${MAX_DEPTH}`;
  const entries = Array.isArray(value) ? value.map((item, i) => [String(i), item] as const) : Object.entries(value);
  for (const [key, item] of entries) {
    if (!Array.isArray(value) && isSensitiveKey(key)) return `${path}.${key} is named like a secret`;
    const problem = detailsProblem(`${path}.${key}`, item, depth + 1);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/**
 * Why `event` must not enter the log (a field path and a reason, never the value), or undefined.
 * Passwords, tokens, keys and secret values never appear in an entry (test/fixtures/spec-api-v1.md, "Audit").
 */
export function auditEventSecretProblem(event: AuditEntryFields): string | undefined {
  const texts: [string, string | null | undefined][] = [
    ['org', event.org],
    ['actor.id', event.actor.id],
    ['action', event.action],
    ['resource', event.resource],
    ['reason', event.reason],
    ['user_agent', event.userAgent],
    ['subject', event.subject],
  ];
  for (const [path, value] of texts) {
    const problem = typeof value === 'string' ? textProblem(path, value) : undefined;
    if (problem !== undefined) return problem;
  }
  return event.details === undefined ? undefined : detailsProblem('details', event.details, 0);
}
