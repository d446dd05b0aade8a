/** The audit actions the signing capability records (kernel/domain/audit-entry.ts, `AuditActions`). */
import type { AuditAction } from '../../kernel/domain/audit-entry.js';

declare module '../../kernel/domain/audit-entry.js' {
  interface AuditActions {
    /** The first signing key of a purpose was made (on first use). */
    'signing.key.create': true;
    /** A new signing key of a purpose became active; the previous one retired, verifying within its window. */
    'signing.key.rotate': true;
    /** An artifact statement was signed (DSSE) and logged; `details` bind the envelope (payload and signature hashes). */
    'artifact.sign': true;
    /** A public verification answered (`success`: valid; `failure`: the check that failed as the reason), in the `system` org. */
    'artifact.verify': true;
  }
}

/** The actions declared above, for the test that keeps every capability's list complete. */
export const SIGNING_AUDIT_ACTIONS = [
  'signing.key.create',
  'signing.key.rotate',
  'artifact.sign',
  'artifact.verify',
] as const satisfies readonly AuditAction[];
