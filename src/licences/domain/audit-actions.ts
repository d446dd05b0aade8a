/** The audit actions the licences capability records (kernel/domain/audit-entry.ts, `AuditActions`). */
import type { AuditAction } from '../../kernel/domain/audit-entry.js';

declare module '../../kernel/domain/audit-entry.js' {
  interface AuditActions {
    /** A licence was issued (its key shown once), or an issue was refused. */
    'licence.issue': true;
    /** A licence was revoked. */
    'licence.revoke': true;
    /** An installation activated a licence, or an activation was refused (a bad key, revoked, expired, over the limit). */
    'licence.activate': true;
    /** An installation gave its activation back (a seat freed), or a deactivation was refused. */
    'licence.deactivate': true;
    /** A status check was refused (a forged or foreign token, an ended activation, a revoked or expired licence). */
    'licence.check': true;
  }
}

/** The actions declared above, for the test that keeps every capability's list complete. */
export const LICENCES_AUDIT_ACTIONS = [
  'licence.issue',
  'licence.revoke',
  'licence.activate',
  'licence.deactivate',
  'licence.check',
] as const satisfies readonly AuditAction[];
