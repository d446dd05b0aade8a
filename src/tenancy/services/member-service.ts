/**
 * Members of an org: list, add (by email or user id) with a role, change a role, remove, and a
 * member's effective permissions. The rules, checked before any change:
 * 1. the role must exist in the org (built-in or custom);
 * 2. nobody grants a role above their own: every permission of the granted role must be one the
 *    actor holds in the org (its scopes applied, for a credential) — so an admin cannot grant
 *    `owner`, which holds `org.delete`;
 * 3. nobody changes or removes a member whose current role is above their own;
 * 4. the last owner can be neither demoted nor removed (the store checks it atomically).
 * Every change drops the org's cached decisions on every instance, ends the member's browser
 * sessions (a new session id at every privilege change) and is audited.
 */
import { DomainError } from '../../kernel/domain/errors.js';
import type { DecisionOrg } from '../domain/decide.js';
import type { Member } from '../domain/org.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import { normaliseEmail } from '../../identity/index.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { OrgStore } from '../ports/org-store.js';
import type { UserStore } from '../../identity/index.js';
import type { OrgEvents, TenancyActor } from './org-events.js';
import type { TenantAuthorizer } from './tenant-authorizer.js';

export interface MemberServiceOptions {
  readonly orgs: OrgStore;
  readonly users: Pick<UserStore, 'findById' | 'findByEmail'>;
  readonly authorizer: TenantAuthorizer;
  readonly events: OrgEvents;
  readonly clock: Clock;
  /**
   * Called after a member's role changes or the member leaves (browser sessions: a new session id
   * at every privilege change, and the MFA requirement re-evaluated).
   */
  readonly privilegeChanged?: (userId: string) => Promise<unknown>;
}

/** One effective permission and the role that grants it. */
export interface EffectivePermission {
  readonly permission: string;
  readonly role: string;
}

export class MemberService {
  readonly #o: MemberServiceOptions;

  constructor(options: MemberServiceOptions) {
    this.#o = options;
  }

  list(scope: TenantScope): Promise<readonly Member[]> {
    return this.#o.orgs.members(scope);
  }

  async add(scope: TenantScope, target: { userId?: string; email?: string }, role: string, actor: TenancyActor): Promise<Member> {
    const org = await this.#org(scope);
    await this.#requireGrantable(scope, org, role);
    const user =
      target.userId !== undefined
        ? await this.#o.users.findById(target.userId)
        : await this.#o.users.findByEmail(normaliseEmail(target.email ?? ''));
    if (user === undefined) throw new DomainError('not_found', 'No such user');
    if (!(await this.#o.orgs.addMember(scope, user.id, role, this.#o.clock.now()))) {
      throw new DomainError('conflict', 'The user is already a member');
    }
    await this.#o.events.changed(scope.orgId);
    await this.#o.events.record(scope.orgId, 'member.add', user.id, actor, { role }, user.id);
    await this.#o.privilegeChanged?.(user.id);
    return this.#member(scope, user.id);
  }

  async setRole(scope: TenantScope, userId: string, role: string, actor: TenancyActor): Promise<Member> {
    const org = await this.#org(scope);
    const before = await this.#member(scope, userId);
    await this.#requireGrantable(scope, org, role);
    await this.#requireAtOrBelow(scope, org, before.role);
    this.#outcome(await this.#o.orgs.setRole(scope, userId, role));
    await this.#o.events.changed(scope.orgId);
    await this.#o.events.record(scope.orgId, 'member.role_change', userId, actor, { before: before.role, after: role }, userId);
    await this.#o.privilegeChanged?.(userId);
    return this.#member(scope, userId);
  }

  async remove(scope: TenantScope, userId: string, actor: TenancyActor): Promise<void> {
    const org = await this.#org(scope);
    const before = await this.#member(scope, userId);
    await this.#requireAtOrBelow(scope, org, before.role);
    this.#outcome(await this.#o.orgs.removeMember(scope, userId));
    await this.#o.events.changed(scope.orgId);
    await this.#o.events.record(scope.orgId, 'member.remove', userId, actor, { role: before.role }, userId);
    await this.#o.privilegeChanged?.(userId);
  }

  /** A member's effective permissions, each with the role that grants it, sorted. */
  async permissions(scope: TenantScope, userId: string): Promise<{ role: string; permissions: readonly EffectivePermission[] }> {
    const org = await this.#org(scope);
    const member = await this.#member(scope, userId);
    const granted = org.roles.get(member.role) ?? new Set<string>();
    return { role: member.role, permissions: [...granted].sort().map((permission) => ({ permission, role: member.role })) };
  }

  async #org(scope: TenantScope): Promise<DecisionOrg> {
    const org = await this.#o.authorizer.orgView(scope.orgId);
    if (org === undefined) throw new DomainError('not_found', 'No such org');
    return org;
  }

  async #member(scope: TenantScope, userId: string): Promise<Member> {
    const member = await this.#o.orgs.member(scope, userId);
    if (member === undefined) throw new DomainError('not_found', 'No such member');
    return member;
  }

  async #actorPermissions(scope: TenantScope, org: DecisionOrg): Promise<ReadonlySet<string>> {
    if (scope.principal === undefined) throw new DomainError('forbidden', 'No caller to act for');
    return this.#o.authorizer.permissionsIn(scope.principal, org);
  }

  async #requireGrantable(scope: TenantScope, org: DecisionOrg, role: string): Promise<void> {
    const granted = org.roles.get(role);
    if (granted === undefined)
      throw new DomainError('validation_failed', `role: no role ${role} in this org`, {
        extensions: { errors: [{ field: 'role', reason: 'is not a role of this org' }] },
      });
    const held = await this.#actorPermissions(scope, org);
    const beyond = [...granted].find((p) => !held.has(p));
    if (beyond !== undefined) throw new DomainError('forbidden', `Granting ${role} needs ${beyond}, which the caller does not hold`);
  }

  async #requireAtOrBelow(scope: TenantScope, org: DecisionOrg, role: string): Promise<void> {
    const held = await this.#actorPermissions(scope, org);
    const beyond = [...(org.roles.get(role) ?? [])].find((p) => !held.has(p));
    if (beyond !== undefined) throw new DomainError('forbidden', `The member's role ${role} is above the caller's`);
  }

  #outcome(outcome: 'done' | 'not_found' | 'last_owner'): void {
    if (outcome === 'not_found') throw new DomainError('not_found', 'No such member');
    if (outcome === 'last_owner') throw new DomainError('conflict', 'The last owner cannot be removed or demoted');
  }
}
