/** The audit actions the my-data capability records (kernel/domain/audit-entry.ts, `AuditActions`). */
import type { AuditAction } from '../../kernel/domain/audit-entry.js';

declare module '../../kernel/domain/audit-entry.js' {
  interface AuditActions {
    /** The caller exported their personal data (`GET /api/v1/me/export`). */
    'user.export': true;
    /** The caller erased their own account, or the erasure was refused (a wrong password or code, the sole owner of an org). */
    'user.erase': true;
  }
}

/** The actions declared above, for the test that keeps every capability's list complete. */
export const MY_DATA_AUDIT_ACTIONS = ['user.export', 'user.erase'] as const satisfies readonly AuditAction[];
