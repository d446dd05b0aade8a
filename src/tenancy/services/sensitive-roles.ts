/**
 * "Require a second factor for any role holding a permission marked sensitive" (V6.3.3): whether
 * any of a user's memberships gives them, through its role — built-in or the org's custom role —
 * a permission the registry marks sensitive (tenancy/domain/permissions.ts, rule 5). The owners and
 * admins of `system` (the platform admins) hold every permission, so they are always held to it.
 * An org or role that no longer exists grants nothing.
 */
import type { Membership } from '../../identity/index.js';
import type { PermissionRegistry } from '../domain/permissions.js';
import type { TenantAuthorizer } from './tenant-authorizer.js';

export async function holdsSensitivePermission(
  authorizer: Pick<TenantAuthorizer, 'orgView'>,
  registry: Pick<PermissionRegistry, 'isSensitive'>,
  memberships: readonly Membership[],
): Promise<boolean> {
  for (const membership of memberships) {
    const view = await authorizer.orgView(membership.orgId);
    const permissions = view?.roles.get(membership.role);
    if (permissions === undefined) continue;
    for (const permission of permissions) if (registry.isSensitive(permission)) return true;
  }
  return false;
}
