/** The audit actions the compliance capability records (kernel/domain/audit-entry.ts, `AuditActions`). */
import type { AuditAction } from '../../kernel/domain/audit-entry.js';

declare module '../../kernel/domain/audit-entry.js' {
  interface AuditActions {
    /**
     * A retention purge ran (the schedule or `rampart privacy purge`): one entry per run, first,
     * with the cut-off and the count of rows past it per kind — never the rows; a failed run adds
     * `not_applied:<code>`.
     */
    'privacy.purge': true;
    /** An org's access review was attested done (`POST /api/v1/orgs/{org}/access-review/attestations`, `rampart access-review attest`). */
    'access_review.attest': true;
  }
}

/** The actions declared above, for the test that keeps every capability's list complete. */
export const COMPLIANCE_AUDIT_ACTIONS = ['privacy.purge', 'access_review.attest'] as const satisfies readonly AuditAction[];
