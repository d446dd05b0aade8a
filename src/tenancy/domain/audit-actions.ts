/** The audit actions the tenancy capability records (kernel/domain/audit-entry.ts, `AuditActions`). */
import type { AuditAction } from '../../kernel/domain/audit-entry.js';

declare module '../../kernel/domain/audit-entry.js' {
  interface AuditActions {
    /**
     * The tenant authorizer refused a request: a member's in their org, anyone else's (an org they
     * cannot see) in `system`. Repeats of one (actor, org) within a window are one entry with
     * `details.count`.
     */
    'authz.deny': true;
    /** An invitation to join an org with a role was sent to an email (no membership until accepted). */
    'invitation.create': true;
    /** An org's pending invitation was revoked. */
    'invitation.revoke': true;
    /** The invitee accepted an invitation and joined the org (the subject: the invitee). */
    'invitation.accept': true;
    /** The invitee declined an invitation. */
    'invitation.decline': true;
    /** A platform admin added an account to an org directly, by its id. */
    'member.add': true;
    /** A member left an org of their own accord. */
    'member.leave': true;
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
  'invitation.create',
  'invitation.revoke',
  'invitation.accept',
  'invitation.decline',
  'member.add',
  'member.leave',
  'member.role_change',
  'member.remove',
  'org.create',
  'org.delete',
  'role.put',
] as const satisfies readonly AuditAction[];
