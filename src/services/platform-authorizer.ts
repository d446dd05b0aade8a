/**
 * The platform authorizer: the rules it enforces, in order —
 * 1. only a user principal holds a platform permission (API keys and service clients come later);
 * 2. a disabled or unknown user holds nothing;
 * 3. org-scoped permissions are denied until the tenancy work brings org roles;
 * 4. `users.manage` and `metrics.read` are held by members of the built-in `system` org with role
 *    `owner` or `admin`; every other permission is denied (deny by default).
 */
import type { Decision } from '../domain/principal.js';
import { SYSTEM_ORG_SLUG } from '../domain/user.js';
import type { AuthorizationQuestion, Authorizer } from '../ports/authorizer.js';
import type { UserStore } from '../ports/user-store.js';

/** The platform permissions and the `system` roles that hold them. */
export const PLATFORM_PERMISSIONS: ReadonlySet<string> = new Set(['users.manage', 'metrics.read']);
const PLATFORM_ROLES: ReadonlySet<string> = new Set(['owner', 'admin']);

function deny(reason: string): Decision {
  return { allow: false, reason };
}

export class PlatformAuthorizer implements Authorizer {
  readonly #users: Pick<UserStore, 'findById' | 'memberships'>;

  constructor(users: Pick<UserStore, 'findById' | 'memberships'>) {
    this.#users = users;
  }

  async decide(question: AuthorizationQuestion): Promise<Decision> {
    const { principal, access } = question;
    if (access.scope === 'org') return deny('org-scoped permissions arrive with tenancy; none is granted yet');
    if (!PLATFORM_PERMISSIONS.has(access.permission)) return deny(`${access.permission} is not a platform permission`);
    if (principal.type !== 'user') return deny('only a user holds platform permissions');
    if (principal.scopes !== undefined && !principal.scopes.includes(access.permission)) return deny('the credential lacks the scope');
    const user = await this.#users.findById(principal.id);
    if (user === undefined || user.status !== 'active') return deny('the account is not active');
    const memberships = await this.#users.memberships(principal.id);
    const admin = memberships.some((m) => m.orgSlug === SYSTEM_ORG_SLUG && PLATFORM_ROLES.has(m.role));
    return admin ? { allow: true, reason: `platform ${access.permission} via the system org` } : deny('not a platform admin');
  }
}
