/**
 * Roles of an org: the built-in ones (immutable) and custom ones, created or replaced with
 * `PUT …/roles/{name}`. Each change makes a new version, audited with the permissions before and
 * after; `…/history` lists the versions. The rules:
 * 1. a built-in role's name cannot be taken (409 `conflict`);
 * 2. every permission must be registered — an unknown one is a configuration error, refused at
 *    registration (400 `validation_failed` naming it);
 * 3. the author must hold every permission the role grants, and every permission of its current
 *    version too (403 `forbidden`): nobody mints a role above their own, nor rewrites one above
 *    their own down to nothing; a refusal is audited as a failure;
 * 4. reading the history needs `roles.manage` or `audit.read`;
 * 5. the entry (with the permissions before and after) is recorded before the change, and names
 *    the version the store must write (a concurrent change fails, with a failure entry).
 */
import { DomainError } from '../../kernel/domain/errors.js';
import type { RoleVersion } from '../domain/org.js';
import { isBuiltinRole, PermissionConfigurationError, type PermissionRegistry } from '../domain/permissions.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { OrgStore } from '../ports/org-store.js';
import type { OrgEventFacts, OrgEvents, TenancyActor } from './org-events.js';
import type { TenantAuthorizer } from './tenant-authorizer.js';

export interface RoleServiceOptions {
  readonly orgs: OrgStore;
  readonly registry: PermissionRegistry;
  readonly authorizer: TenantAuthorizer;
  readonly events: OrgEvents;
  readonly clock: Clock;
}

/** A role as the roles route lists it. */
export interface RoleView {
  readonly name: string;
  readonly builtin: boolean;
  readonly permissions: readonly string[];
  readonly version: number;
}

export class RoleService {
  readonly #o: RoleServiceOptions;

  constructor(options: RoleServiceOptions) {
    this.#o = options;
  }

  /** Built-in roles first (version 1, immutable), then custom roles by name. */
  async list(scope: TenantScope): Promise<readonly RoleView[]> {
    const { registry } = this.#o;
    const builtins: RoleView[] = (['owner', 'admin', 'operator', 'viewer', 'auditor'] as const).map((name) => ({
      name,
      builtin: true,
      permissions: [...registry.builtin(name)].sort(),
      version: 1,
    }));
    const custom = (await this.#o.orgs.customRolesOf(scope.orgId)).map((role) => ({
      name: role.name,
      builtin: false,
      permissions: role.permissions,
      version: role.version,
    }));
    return [...builtins, ...custom];
  }

  async put(
    scope: TenantScope,
    name: string,
    permissions: readonly string[],
    actor: TenancyActor,
  ): Promise<{ role: RoleView; created: boolean }> {
    if (isBuiltinRole(name)) throw new DomainError('conflict', `${name} is a built-in role and cannot be changed`);
    let wanted: readonly string[];
    try {
      wanted = this.#o.registry.validateRole(permissions);
    } catch (error) {
      if (!(error instanceof PermissionConfigurationError)) throw error;
      throw new DomainError('validation_failed', `permissions: ${error.message}`, {
        extensions: { errors: [{ field: 'permissions', reason: error.message }] },
      });
    }
    const org = await this.#o.authorizer.orgView(scope.orgId);
    if (org === undefined || scope.principal === undefined) throw new DomainError('not_found', 'No such org');
    const held = await this.#o.authorizer.permissionsIn(scope.principal, org);
    const before = await this.#o.orgs.customRole(scope, name);
    const facts: OrgEventFacts = { orgId: scope.orgId, action: 'role.put', resource: name };
    const beyond = wanted.find((p) => !held.has(p));
    if (beyond !== undefined) {
      await this.#o.events.refused({ ...facts, details: { wanted } }, actor, 'permissions_beyond_caller');
      throw new DomainError('forbidden', `The role would grant ${beyond}, which the caller does not hold`);
    }
    // Rule 3 also binds the role as it is: rewriting a role above one's own would bring its holders down.
    const above = before?.permissions.find((p) => !held.has(p));
    if (above !== undefined) {
      await this.#o.events.refused({ ...facts, details: { wanted } }, actor, 'role_above_caller');
      throw new DomainError('forbidden', `The role grants ${above}, which the caller does not hold`);
    }
    const actorId = scope.principal.type === 'user' ? scope.principal.id : (scope.principal.owner ?? null);
    const version = (before?.version ?? 0) + 1;
    const details = { version, before: before === undefined ? null : before.permissions, after: wanted };
    const after = await this.#o.events.change({ ...facts, details }, actor, () =>
      this.#o.orgs.putRole(scope, name, wanted, actorId, this.#o.clock.now(), version),
    );
    return { role: { name, builtin: false, permissions: after.permissions, version: after.version }, created: before === undefined };
  }

  async history(scope: TenantScope, name: string): Promise<readonly RoleVersion[]> {
    const org = await this.#o.authorizer.orgView(scope.orgId);
    if (org === undefined || scope.principal === undefined) throw new DomainError('not_found', 'No such org');
    const held = await this.#o.authorizer.permissionsIn(scope.principal, org);
    if (!held.has('roles.manage') && !held.has('audit.read')) throw new DomainError('forbidden', 'This needs roles.manage or audit.read');
    const versions = await this.#o.orgs.roleHistory(scope, name);
    if (versions.length === 0) throw new DomainError('not_found', 'No such custom role');
    return versions;
  }
}
