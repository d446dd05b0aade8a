/**
 * The audit actions the audit capability records (kernel/domain/audit-entry.ts, `AuditActions`).
 * The alert rules (services/audit-alerts.ts) also look for actions that later capabilities
 * declare (`auth.login`, `auth.refresh_reuse`, `secret.integrity_failed`): in the composed
 * program the union holds them all, so a misspelt rule does not compile.
 */
import type { AuditAction } from '../../kernel/domain/audit-entry.js';

declare module '../../kernel/domain/audit-entry.js' {
  interface AuditActions {
    /** An alert rule fired on an event just recorded (login failures, a new device, refresh token theft, a secret's integrity). */
    'security.alert': true;
  }
}

/** The actions declared above, for the test that keeps every capability's list complete. */
export const AUDIT_AUDIT_ACTIONS = ['security.alert'] as const satisfies readonly AuditAction[];
