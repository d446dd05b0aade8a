/**
 * The tenancy part of the composition root: the org store, the permission registry, the tenant
 * authorizer (which replaces the platform-only one) and the org, member, role and authz services.
 */
import type { Identity } from '../identity/index.js';
import type { Kernel, Earlier, Part } from '../kernel/part.js';
import { SqlOrgStore } from './adapters/sql-org-store.js';
import { PermissionRegistry } from './domain/permissions.js';
import type { OrgStore } from './ports/org-store.js';
import { orgRoutes } from './routes/orgs.js';
import { AuthzCheck } from './services/authz-check.js';
import { MemberService } from './services/member-service.js';
import { OrgEvents } from './services/org-events.js';
import { OrgService } from './services/org-service.js';
import { RoleService } from './services/role-service.js';
import { TenantAuthorizer } from './services/tenant-authorizer.js';

/** Orgs, members, roles and the decision, as the routes use them. */
export interface Tenancy {
  readonly registry: PermissionRegistry;
  readonly store: OrgStore;
  readonly authorizer: TenantAuthorizer;
  readonly orgs: OrgService;
  readonly members: MemberService;
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
  const identity: Pick<Identity, 'users' | 'roleChanged'> = earlier.need('identity', 'tenancy');
  const { log: audit } = earlier.need('audit', 'tenancy');
  const { database, bus, clock } = kernel;
  const users = identity.users;
  const registry = new PermissionRegistry(kernel.options.permissions ?? []);
  const store = new SqlOrgStore(database.db, database.dialect, kernel.tenantTables);
  const authorizer = new TenantAuthorizer({ orgs: store, users, registry, bus, clock, audit });
  await authorizer.start();
  kernel.closers.add('tenant authorizer', authorizer);
  const events = new OrgEvents({ audit, bus, clock, authorizer });
  const tenancy: Tenancy = Object.freeze({
    registry,
    store,
    authorizer,
    orgs: new OrgService({ orgs: store, events, clock }),
    members: new MemberService({
      orgs: store,
      users,
      authorizer,
      events,
      clock,
      privilegeChanged: (userId: string) => identity.roleChanged(userId),
    }),
    roles: new RoleService({ orgs: store, registry, authorizer, events, clock }),
    check: new AuthzCheck(authorizer),
  });
  return { facade: tenancy, routes: (app) => orgRoutes(app, tenancy) };
}
