/**
 * The tenancy capability's public face: orgs, members, roles and the tenant authorizer, their
 * routes, and the permission registry the embedding application adds to. Later capabilities and
 * the application use only what this file exports.
 */
import type { Capability } from '../kernel/part.js';
import { TENANCY_PROCESSING, TENANCY_RETENTION } from './domain/privacy.js';
import { composeTenancyPart, type Tenancy } from './compose.js';
import type { PermissionRegistration } from './domain/permissions.js';
import type { InvitationNotifier } from './ports/invitation-notifier.js';
import { TENANCY_VARIABLES } from './config.js';
import { TENANCY_EVENT_TYPES } from './domain/events.js';

export { type Tenancy } from './compose.js';
export { type InvitationNotice, type InvitationNotifier } from './ports/invitation-notifier.js';

// Re-exported so that the RampartConfig keys this module declares reach the library's type declarations.
export { TENANCY_VARIABLES } from './config.js';
export { PLATFORM_PERMISSIONS, type PermissionRegistration } from './domain/permissions.js';

// Re-exported so that the AuditActions this module declares reach the library's type declarations.
export { TENANCY_AUDIT_ACTIONS } from './domain/audit-actions.js';
export { TENANCY_EVENT_TYPES } from './domain/events.js';

declare module '../kernel/part.js' {
  interface RampartOptions {
    /** Permissions the application registers (`vm.export`), beside Rampart's own; an invalid one fails the start. */
    readonly permissions?: readonly PermissionRegistration[];
    /** Tells invitees about their invitations (a mailer); Rampart ships none, so by default nobody is told. */
    readonly invitationNotifier?: InvitationNotifier;
  }
  interface Facades {
    tenancy: Tenancy;
  }
}

export const tenancy: Capability<'tenancy'> = {
  name: 'tenancy',
  // Its personal data's retention and processing activities (issue 22 item 2; the compliance capability reads them).
  retention: TENANCY_RETENTION,
  privacy: TENANCY_PROCESSING,
  variables: TENANCY_VARIABLES,
  /*
   * Every table that holds one tenant's rows, keyed by an `org_id` column. Deleting an org removes
   * its rows from each capability's tables (children before parents), in one transaction; then
   * the `orgs` row itself. A capability whose migration adds such a table adds its name to its
   * own `tenantTables` — a test (test/integration/org-deletion.test.ts) discovers every table with
   * an `org_id` column from the live schema and fails when one is missing, so a new table cannot
   * be forgotten. On PostgreSQL every one of them is under row-level security (rls-policies.ts;
   * test/security/rls.test.ts checks it on the live schema).
   *
   * The audit log is deliberately absent: it is append-only and deployment-wide, and an org's
   * entries outlive the org (the deletion itself is one of them); the audit capability keeps it.
   */
  // 0013-invitations, 0007-tenancy, 0003-identity
  tenantTables: ['org_invitations', 'org_role_versions', 'org_roles', 'memberships'],
  eventTypes: TENANCY_EVENT_TYPES,
  compose: (kernel, earlier) => composeTenancyPart(kernel, earlier),
};
