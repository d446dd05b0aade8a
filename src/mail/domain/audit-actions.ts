/** The audit actions the mail capability records (kernel/domain/audit-entry.ts, `AuditActions`). */
import type { AuditAction } from '../../kernel/domain/audit-entry.js';

declare module '../../kernel/domain/audit-entry.js' {
  interface AuditActions {
    /**
     * A queued message was given up and will not be sent: its attempts ran out, the server refused
     * the recipient for good, or its sealed body failed its integrity check (an alert). The entry
     * names the outbox id, the template and the reason; never the recipient or the body.
     */
    'mail.undeliverable': true;
  }
}

/** The actions declared above, for the test that keeps every capability's list complete. */
export const MAIL_AUDIT_ACTIONS = ['mail.undeliverable'] as const satisfies readonly AuditAction[];
