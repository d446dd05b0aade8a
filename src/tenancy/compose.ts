/**
 * The tenancy part of the composition root: the org store, the permission registry, the tenant
 * authorizer (which replaces the platform-only one) and the org, member, role and authz services.
 */
import type { SqlDatabase } from '../kernel/adapters/sql/sql-database.js';
import { SqlOrgStore } from './adapters/sql-org-store.js';
import { PermissionRegistry, type PermissionRegistration } from './domain/permissions.js';
import type { AuditLog } from '../kernel/ports/audit-log.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { OrgStore } from './ports/org-store.js';
import type { RevocationBus } from '../kernel/ports/revocation-bus.js';
import type { UserStore } from '../identity/index.js';
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
  close(): Promise<void>;
}

export interface TenancyParts {
  readonly database: SqlDatabase;
  readonly users: UserStore;
  readonly bus: RevocationBus;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** Permissions the embedding application registers (`vm.export`); an invalid one throws here. */
  readonly permissions?: readonly PermissionRegistration[];
  /** Called after a member's role changes or the member leaves (browser sessions end, MFA re-checked). */
  readonly privilegeChanged?: (userId: string) => Promise<unknown>;
}

export async function composeTenancy(parts: TenancyParts): Promise<Tenancy> {
  const { database, users, bus, audit, clock } = parts;
  const registry = new PermissionRegistry(parts.permissions ?? []);
  const store = new SqlOrgStore(database.db, database.dialect);
  const authorizer = new TenantAuthorizer({ orgs: store, users, registry, bus, clock, audit });
  await authorizer.start();
  const events = new OrgEvents({ audit, bus, clock, authorizer });
  return Object.freeze({
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
      ...(parts.privilegeChanged === undefined ? {} : { privilegeChanged: parts.privilegeChanged }),
    }),
    roles: new RoleService({ orgs: store, registry, authorizer, events, clock }),
    check: new AuthzCheck(authorizer),
    close: () => authorizer.close(),
  });
}
