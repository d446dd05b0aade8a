/**
 * Where orgs, memberships and custom roles live. Every method that touches one org's
 * data takes the {@link TenantScope} the authorization layer minted; the few that run before any
 * scope exists (resolving `{org}`, reading a caller's membership to decide) are named for it.
 */
import type { CustomRole, Member, Org, OrgMembership, RoleVersion } from '../domain/org.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';

/** The outcome of a change guarded by the last-owner rule. */
export type OwnerGuardedOutcome = 'done' | 'not_found' | 'last_owner';

/**
 * Guarantees (test/contract/org-store.test.ts checks them on every adapter):
 * - slugs are unique: `create` with a taken slug rejects with `DomainError('conflict')` and
 *   changes nothing; the org and its first owner are created together or not at all;
 * - the last owner rule is atomic: of concurrent demotions or removals of an org's owners, at
 *   least one owner always remains (`last_owner` for the refused ones);
 * - `putRole` is atomic: each call makes exactly one new version, numbered one past the last (or,
 *   when that is not `expectedVersion`, none);
 * - `deleteOrg` removes every row of the org in every tenant table, and the org, in one transaction;
 * - a scoped method never reads or writes a row of another org.
 */
export interface OrgStore {
  /** Creates `org` with `ownerId` as its `owner`. */
  create(org: Org, ownerId: string, ownerRole: string): Promise<void>;
  /** Before authorization: the org with this id (`org_…`) or slug. */
  resolve(idOrSlug: string): Promise<Org | undefined>;
  /** Before authorization: a user's role in an org, or `undefined`. */
  roleOf(orgId: string, userId: string): Promise<string | undefined>;
  /** Before authorization: an org's custom roles. */
  customRolesOf(orgId: string): Promise<readonly CustomRole[]>;
  /** The orgs a user belongs to, with the user's role, in slug order. */
  orgsOf(userId: string): Promise<readonly OrgMembership[]>;

  members(scope: TenantScope): Promise<readonly Member[]>;
  member(scope: TenantScope, userId: string): Promise<Member | undefined>;
  /** Adds a member; `false` when the user is already one. */
  addMember(scope: TenantScope, userId: string, role: string, now: number): Promise<boolean>;
  /** Changes a member's role, refusing to demote the last owner. */
  setRole(scope: TenantScope, userId: string, role: string): Promise<OwnerGuardedOutcome>;
  /** Removes a member, refusing to remove the last owner. */
  removeMember(scope: TenantScope, userId: string): Promise<OwnerGuardedOutcome>;
  /** Before any scope (a user leaving): how many owners the org has. */
  ownerCount(orgId: string): Promise<number>;
  /** Before any scope (a user leaving): removes `userId` from the org, refusing the last owner. */
  leave(orgId: string, userId: string): Promise<OwnerGuardedOutcome>;
  /** How many members hold `role`. */
  countWithRole(scope: TenantScope, role: string): Promise<number>;

  customRole(scope: TenantScope, name: string): Promise<CustomRole | undefined>;
  /**
   * Creates or replaces a custom role; resolves with the new version. With `expectedVersion`, it
   * rejects with `DomainError('conflict')` and changes nothing unless that is the version it writes
   * (the audit entry recorded before the change names it).
   */
  putRole(
    scope: TenantScope,
    name: string,
    permissions: readonly string[],
    actorId: string | null,
    now: number,
    expectedVersion?: number,
  ): Promise<CustomRole>;
  /** Every version of a custom role, newest first; empty when it never existed. */
  roleHistory(scope: TenantScope, name: string): Promise<readonly RoleVersion[]>;

  /** Removes the org and every row of it in every tenant table, in one transaction; the rows removed per table. */
  deleteOrg(scope: TenantScope): Promise<Readonly<Record<string, number>>>;
}
