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
    /** An authenticated request that changed nothing, recorded under `RAMPART_AUDIT_READS=all` (method and route in `details`). */
    'api.read': true;
    /** A request refused by the rate limiter (429), aggregated per caller per minute (`suppressed_before`, `dropped_before`). */
    'api.rate_limited': true;
    /** A server started: the effective configuration's digest and the keys changed since the last start (`details.changed`; never a value). */
    'config.start': true;
    /** `rampart keys custody migrate`: the root key was sealed under the PKCS#11 token (actor `system`, id `cli`). */
    'keys.custody.migrate': true;
  }
}

/** The actions declared above, for the test that keeps every capability's list complete. */
export const AUDIT_AUDIT_ACTIONS = [
  'security.alert',
  'api.read',
  'api.rate_limited',
  'config.start',
  'keys.custody.migrate',
] as const satisfies readonly AuditAction[];
