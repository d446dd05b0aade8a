import type { PermissionAccess } from '../domain/access.js';
import type { Decision, Principal } from '../domain/principal.js';

/** The question the authorization layer asks for a permission-guarded route. */
export interface AuthorizationQuestion {
  readonly principal: Principal;
  readonly access: PermissionAccess;
  /** The `{org}` path parameter (id or slug) for org-scoped routes. */
  readonly org: string | undefined;
}

/**
 * Decides whether a principal holds a permission. Deny by default: an unknown permission, org or
 * principal is a deny, never an error. A `hide` deny turns into 404 so that another tenant's
 * resources are never revealed.
 */
export interface Authorizer {
  decide(question: AuthorizationQuestion): Promise<Decision>;
}

/** The authorizer of a deployment that has no roles yet: it denies every permission. */
export const denyAllAuthorizer: Authorizer = Object.freeze({
  decide: () => Promise.resolve({ allow: false, reason: 'no authorizer grants permissions' }),
});
