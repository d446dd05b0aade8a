/**
 * Members of an org: list, a platform admin's direct add by user id, change a role, remove, a
 * member leaving, and a member's effective permissions (anyone else joins by invitation:
 * invitation-service.ts). The rules, checked before any change:
 * 1. the role must exist in the org (built-in or custom);
 * 2. nobody grants a role above their own: every permission of the granted role must be one the
 *    actor holds in the org (its scopes applied, for a credential) — so an admin cannot grant
 *    `owner`, which holds `org.delete`;
 * 3. nobody changes or removes a member whose current role is above their own;
 * 4. the last owner can be neither demoted nor removed, nor leave (the store checks it atomically);
 * 5. adding an account directly, by its id, is for platform admins only (`users.manage`).
 * A refusal of rule 2, 3 or 5 is audited as a failure with its reason, then answered 403. A change
 * is audited first (fail closed), drops the org's cached decisions on every instance, and ends the
 * member's browser sessions (a new session id at every privilege change, MFA re-evaluated).
 */
import { DomainError } from '../../kernel/domain/errors.js';
import type { DecisionOrg } from '../domain/decide.js';
import type { Member } from '../domain/org.js';
import type { Principal } from '../../kernel/domain/principal.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { OrgStore } from '../ports/org-store.js';
import type { UserStore } from '../../identity/index.js';
import type { OrgEventFacts, OrgEvents, TenancyActor } from './org-events.js';
import type { TenantAuthorizer } from './tenant-authorizer.js';

export interface MemberServiceOptions {
  readonly orgs: OrgStore;
  readonly users: Pick<UserStore, 'findById'>;
  readonly authorizer: TenantAuthorizer;
  readonly events: OrgEvents;
  readonly clock: Clock;
  /**
   * Called after a member's role changes, the member joins or leaves (browser sessions: a new
   * session id at every privilege change, and the MFA requirement re-evaluated).
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

  /** A platform admin adds an existing account by its id (rule 5); everyone else invites. */
  async addDirect(scope: TenantScope, userId: string, role: string, actor: TenancyActor): Promise<Member> {
    const org = await this.#org(scope);
    const facts: OrgEventFacts = { orgId: scope.orgId, action: 'member.add', resource: userId, details: { role, direct: true } };
    if (!(await this.#isPlatformAdmin(actor.principal))) {
      await this.#o.events.refused(facts, actor, 'direct_add_needs_platform_admin');
      throw new DomainError('forbidden', 'Adding an account by id is for platform admins; invite by email instead');
    }
    await this.requireGrantable(scope, org, role, facts, actor);
    const user = await this.#o.users.findById(userId);
    if (user === undefined) throw new DomainError('not_found', 'No such user');
    if ((await this.#o.orgs.member(scope, user.id)) !== undefined) throw new DomainError('conflict', 'The user is already a member');
    await this.#o.events.change({ ...facts, subject: user.id }, actor, async () => {
      if (!(await this.#o.orgs.addMember(scope, user.id, role, this.#o.clock.now()))) {
        throw new DomainError('conflict', 'The user is already a member');
      }
    });
    await this.#o.privilegeChanged?.(user.id);
    return this.#member(scope, user.id);
  }

  async setRole(scope: TenantScope, userId: string, role: string, actor: TenancyActor): Promise<Member> {
    const org = await this.#org(scope);
    const before = await this.#member(scope, userId);
    const facts: OrgEventFacts = {
      orgId: scope.orgId,
      action: 'member.role_change',
      resource: userId,
      details: { before: before.role, after: role },
      subject: userId,
    };
    await this.requireGrantable(scope, org, role, facts, actor);
    await this.#requireAtOrBelow(scope, org, before.role, facts, actor);
    await this.#o.events.change(facts, actor, async () => this.#outcome(await this.#o.orgs.setRole(scope, userId, role)));
    await this.#o.privilegeChanged?.(userId);
    return this.#member(scope, userId);
  }

  async remove(scope: TenantScope, userId: string, actor: TenancyActor): Promise<void> {
    const org = await this.#org(scope);
    const before = await this.#member(scope, userId);
    const facts: OrgEventFacts = {
      orgId: scope.orgId,
      action: 'member.remove',
      resource: userId,
      details: { role: before.role },
      subject: userId,
    };
    await this.#requireAtOrBelow(scope, org, before.role, facts, actor);
    await this.#o.events.change(facts, actor, async () => this.#outcome(await this.#o.orgs.removeMember(scope, userId)));
    await this.#o.privilegeChanged?.(userId);
  }

  /**
   * The calling user leaves the org `idOrSlug` (`DELETE /api/v1/me/orgs/{org}`): always allowed,
   * but for its last owner (409). An org the caller does not belong to is 404.
   */
  async leave(idOrSlug: string, actor: TenancyActor): Promise<void> {
    const { principal } = actor;
    if (principal.type !== 'user') throw new DomainError('forbidden', 'Only a user leaves an org');
    const org = await this.#o.orgs.resolve(idOrSlug);
    const role = org === undefined ? undefined : await this.#o.orgs.roleOf(org.id, principal.id);
    if (org === undefined || role === undefined) throw new DomainError('not_found', 'No such org');
    // Checked here too so that the usual refusal leaves no entry; the store's check is the atomic one.
    if (role === 'owner' && (await this.#o.orgs.ownerCount(org.id)) <= 1) {
      throw new DomainError('conflict', 'The last owner cannot leave the org');
    }
    const facts: OrgEventFacts = {
      orgId: org.id,
      action: 'member.leave',
      resource: principal.id,
      details: { role },
      subject: principal.id,
    };
    await this.#o.events.change(facts, actor, async () => this.#outcome(await this.#o.orgs.leave(org.id, principal.id)));
    await this.#o.privilegeChanged?.(principal.id);
  }

  /** A member's effective permissions, each with the role that grants it, sorted. */
  async permissions(scope: TenantScope, userId: string): Promise<{ role: string; permissions: readonly EffectivePermission[] }> {
    const org = await this.#org(scope);
    const member = await this.#member(scope, userId);
    const granted = org.roles.get(member.role) ?? new Set<string>();
    return { role: member.role, permissions: [...granted].sort().map((permission) => ({ permission, role: member.role })) };
  }

  /**
   * Rule 1 and 2 for `role` in `org`, as the scope's principal: 400 for a role the org lacks; 403
   * (audited as a failure of `facts`) for a role above the actor's.
   */
  async requireGrantable(scope: TenantScope, org: DecisionOrg, role: string, facts: OrgEventFacts, actor: TenancyActor): Promise<void> {
    const granted = org.roles.get(role);
    if (granted === undefined)
      throw new DomainError('validation_failed', `role: no role ${role} in this org`, {
        extensions: { errors: [{ field: 'role', reason: 'is not a role of this org' }] },
      });
    const held = await this.#actorPermissions(scope, org);
    const beyond = [...granted].find((p) => !held.has(p));
    if (beyond !== undefined) {
      await this.#o.events.refused(facts, actor, 'role_above_caller');
      throw new DomainError('forbidden', `Granting ${role} needs ${beyond}, which the caller does not hold`);
    }
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

  async #isPlatformAdmin(principal: Principal): Promise<boolean> {
    const decision = await this.#o.authorizer.decide({
      principal,
      access: { permission: 'users.manage', scope: 'platform' },
      org: undefined,
    });
    return decision.allow;
  }

  async #actorPermissions(scope: TenantScope, org: DecisionOrg): Promise<ReadonlySet<string>> {
    if (scope.principal === undefined) throw new DomainError('forbidden', 'No caller to act for');
    return this.#o.authorizer.permissionsIn(scope.principal, org);
  }

  async #requireAtOrBelow(scope: TenantScope, org: DecisionOrg, role: string, facts: OrgEventFacts, actor: TenancyActor): Promise<void> {
    const held = await this.#actorPermissions(scope, org);
    const beyond = [...(org.roles.get(role) ?? [])].find((p) => !held.has(p));
    if (beyond !== undefined) {
      await this.#o.events.refused(facts, actor, 'member_above_caller');
      throw new DomainError('forbidden', `The member's role ${role} is above the caller's`);
    }
  }

  #outcome(outcome: 'done' | 'not_found' | 'last_owner'): void {
    if (outcome === 'not_found') throw new DomainError('not_found', 'No such member');
    if (outcome === 'last_owner') throw new DomainError('conflict', 'The last owner cannot be removed or demoted');
  }
}
