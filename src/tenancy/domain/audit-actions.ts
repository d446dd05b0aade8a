/** The audit actions the tenancy capability records (kernel/domain/audit-entry.ts, `AuditActions`). */
import type { AuditAction } from '../../kernel/domain/audit-entry.js';

declare module '../../kernel/domain/audit-entry.js' {
  interface AuditActions {
    /** The tenant authorizer refused a request (in the org asked about when it exists, else in `system`). */
    'authz.deny': true;
    /** A user was added to an org with a role. */
    'member.add': true;
    /** A member's role in an org was changed (the roles before and after). */
    'member.role_change': true;
    /** A member was removed from an org. */
    'member.remove': true;
    /** An org was created (its creator its first owner). */
    'org.create': true;
    /** An org and all its tenant data were deleted (recorded first: no record, no deletion). */
    'org.delete': true;
    /** A custom role of an org was created or given new permissions (a new version). */
    'role.put': true;
  }
}

/** The actions declared above, for the test that keeps every capability's list complete. */
export const TENANCY_AUDIT_ACTIONS = [
  'authz.deny',
  'member.add',
  'member.role_change',
  'member.remove',
  'org.create',
  'org.delete',
  'role.put',
] as const satisfies readonly AuditAction[];
