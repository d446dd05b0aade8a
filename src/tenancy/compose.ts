/**
 * The tenancy part of the composition root: the org and invitation stores, the permission
 * registry, the tenant authorizer (which replaces the platform-only one) and the org, member,
 * invitation, role and authz services.
 */
import type { Identity } from '../identity/index.js';
import type { Kernel, Earlier, Part } from '../kernel/part.js';
import { SqlInvitationStore } from './adapters/sql-invitation-store.js';
import { MailInvitationNotifier } from './adapters/mail-invitation-notifier.js';
import { SqlOrgStore } from './adapters/sql-org-store.js';
import { tenancyOrgData } from './adapters/sql-org-data.js';
import { PermissionRegistry } from './domain/permissions.js';
import type { OrgStore } from './ports/org-store.js';
import { orgRoutes } from './routes/orgs.js';
import { AuthzCheck } from './services/authz-check.js';
import { InvitationService } from './services/invitation-service.js';
import { MemberService } from './services/member-service.js';
import { OrgEvents } from './services/org-events.js';
import { OrgService } from './services/org-service.js';
import { RoleService } from './services/role-service.js';
import { TenantAuthorizer } from './services/tenant-authorizer.js';
import { TenancyTokenScopes } from './services/token-scopes.js';
import { holdsSensitivePermission } from './services/sensitive-roles.js';
import { SYSTEM_ORG_SLUG } from '../kernel/domain/system-org.js';

/** Orgs, members, roles and the decision, as the routes use them. */
export interface Tenancy {
  readonly registry: PermissionRegistry;
  readonly store: OrgStore;
  readonly authorizer: TenantAuthorizer;
  readonly orgs: OrgService;
  readonly members: MemberService;
  readonly invitations: InvitationService;
  readonly roles: RoleService;
  readonly check: AuthzCheck;
}

/**
 * The tenancy capability on the kernel and identity (the users; a member's role change ends their
 * browser sessions): the permissions the embedding application registers (`vm.export`; an invalid
 * one fails the start), the store that deletes an org's rows from every capability's tenant
 * tables, and the authorizer, whose revocation subscription is on the close stack from its start.
 */
export async function composeTenancyPart(kernel: Kernel, earlier: Earlier): Promise<Part<Tenancy>> {
  const identity: Pick<Identity, 'users' | 'roleChanged' | 'tokens' | 'mfaEnforcement' | 'useWatchAccess'> = earlier.need(
    'identity',
    'tenancy',
  );
  const { log: audit } = earlier.need('audit', 'tenancy');
  const { database, bus, clock } = kernel;
  const users = identity.users;
  const registry = new PermissionRegistry(kernel.options.permissions ?? []);
  const store = new SqlOrgStore(database.db, database.dialect, kernel.tenantTables);
  const authorizer = new TenantAuthorizer({
    orgs: store,
    users,
    registry,
    bus,
    clock,
    audit,
    onError: kernel.onError('authz.deny summary could not be recorded'),
  });
  await authorizer.start();
  kernel.closers.add('tenant authorizer', authorizer);
  // V6.3.3: a member whose role (built-in or custom) holds a sensitive permission needs a second factor.
  identity.mfaEnforcement.requireFor((memberships) => holdsSensitivePermission(authorizer, registry, memberships));
  // The `scope` of every access token from here on: what this authorizer grants.
  identity.tokens.useScopes(new TenancyTokenScopes(authorizer));
  // Who may watch the revocation feed: a service client holding sessions.watch in its org; one of
  // the `system` org (a platform client) watches every org.
  identity.useWatchAccess(async (principal) => {
    if (principal.type !== 'service' || principal.org === undefined) return undefined;
    const decision = await authorizer.check(principal, principal.org, 'sessions.watch');
    if (!decision.allow || decision.org === undefined) return undefined;
    return { orgId: decision.org.id, platform: decision.org.slug === SYSTEM_ORG_SLUG };
  });
  const events = new OrgEvents({ audit, bus, clock, authorizer });
  const privilegeChanged = (userId: string): Promise<unknown> => identity.roleChanged(userId);
  const members = new MemberService({ orgs: store, users, authorizer, events, clock, privilegeChanged });
  // The application's notifier, else mail through the outbox (it waits there until a mail server is configured).
  const notifier =
    kernel.options.invitationNotifier ?? new MailInvitationNotifier(earlier.need('mail', 'tenancy'), kernel.config.publicUrl);
  const tenancy: Tenancy = Object.freeze({
    registry,
    store,
    authorizer,
    orgs: new OrgService({ orgs: store, events, clock }),
    members,
    // The invitee is told by the notifier: the application's, or mail.
    invitations: new InvitationService({
      invitations: new SqlInvitationStore(database.db, database.dialect),
      orgs: store,
      users,
      authorizer,
      members,
      events,
      clock,
      ttlSeconds: kernel.config.invitationTtl,
      ...(notifier === undefined ? {} : { notifier, onNotifyError: kernel.onError('invitation notifier failed') }),
      privilegeChanged,
    }),
    roles: new RoleService({ orgs: store, registry, authorizer, events, clock }),
    check: new AuthzCheck(authorizer),
  });
  return { facade: tenancy, routes: (app) => orgRoutes(app, tenancy), orgData: tenancyOrgData(database.db, database.dialect) };
}
