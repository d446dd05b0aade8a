/**
 * Identity's {@link TokenScopes} port, answered from the tenant authorizer, so that the `scope` of
 * an access token is what the authorizer would decide at that moment (spec v1.1, "Refinements"):
 * 1. platform permissions: each one the platform authorizer grants the user (owners and admins of
 *    `system`); the questions carry no request context, so they are not audited as denies;
 * 2. an org's permissions: the org resolved by id or slug, the user's role there and the role's
 *    permissions; no such org, an inactive account or no membership is `undefined` (a 404).
 */
import type { TokenScopes, OrgPermissions } from '../../identity/index.js';
import type { Principal } from '../../kernel/domain/principal.js';
import { PLATFORM_PERMISSIONS } from '../domain/permissions.js';
import type { TenantAuthorizer } from './tenant-authorizer.js';

function userPrincipal(userId: string): Principal {
  return { type: 'user', id: userId, via: 'bearer' };
}

export class TenancyTokenScopes implements TokenScopes {
  readonly #authorizer: Pick<TenantAuthorizer, 'decide' | 'orgView' | 'subject' | 'permissionsIn'>;

  constructor(authorizer: Pick<TenantAuthorizer, 'decide' | 'orgView' | 'subject' | 'permissionsIn'>) {
    this.#authorizer = authorizer;
  }

  async platform(userId: string): Promise<readonly string[]> {
    const principal = userPrincipal(userId);
    const held: string[] = [];
    for (const permission of PLATFORM_PERMISSIONS) {
      const decision = await this.#authorizer.decide({ principal, access: { permission, scope: 'platform' }, org: undefined });
      if (decision.allow) held.push(permission);
    }
    return held;
  }

  async inOrg(userId: string, org: string): Promise<OrgPermissions | undefined> {
    const view = await this.#authorizer.orgView(org);
    if (view === undefined) return undefined;
    const principal = userPrincipal(userId);
    const subject = await this.#authorizer.subject(principal, view);
    if (!subject.active || subject.role === undefined) return undefined;
    return { orgId: view.id, permissions: [...(await this.#authorizer.permissionsIn(principal, view))] };
  }
}
