/**
 * The platform authorizer: the rules it enforces, in order —
 * 1. only a user holds a platform permission — itself, or through an API key of its own that is
 *    confined to no org (the key's scopes bound it, rule 5); service clients never do;
 * 2. a disabled or unknown user holds nothing;
 * 3. org-scoped permissions are not its business (the TenantAuthorizer decides them and asks
 *    this one only for platform permissions); asked one, it denies;
 * 4. `users.manage` and `metrics.read` are held by members of the built-in `system` org with role
 *    `owner` or `admin`; every other permission is denied (deny by default).
 */
import { PLATFORM_PERMISSIONS } from '../domain/permissions.js';
import type { Decision } from '../../kernel/domain/principal.js';
import { SYSTEM_ORG_SLUG } from '../../kernel/domain/system-org.js';
import type { AuthorizationQuestion, Authorizer } from '../../kernel/ports/authorizer.js';
import type { UserStore } from '../../identity/index.js';

/** The `system` roles that hold the platform permissions (tenancy/domain/permissions.ts). */
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
    if (access.scope === 'org') return deny('an org-scoped permission is decided by the tenant authorizer');
    if (!PLATFORM_PERMISSIONS.has(access.permission)) return deny(`${access.permission} is not a platform permission`);
    const userId =
      principal.type === 'user' ? principal.id : principal.type === 'api_key' && principal.org === undefined ? principal.owner : undefined;
    if (userId === undefined) return deny('only a user, or an API key of one confined to no org, holds platform permissions');
    if (principal.scopes !== undefined && !principal.scopes.includes(access.permission)) return deny('the credential lacks the scope');
    const user = await this.#users.findById(userId);
    if (user === undefined || user.status !== 'active') return deny('the account is not active');
    const memberships = await this.#users.memberships(userId);
    const admin = memberships.some((m) => m.orgSlug === SYSTEM_ORG_SLUG && PLATFORM_ROLES.has(m.role));
    return admin ? { allow: true, reason: `platform ${access.permission} via the system org` } : deny('not a platform admin');
  }
}
