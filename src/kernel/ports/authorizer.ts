import type { PermissionAccess } from '../domain/access.js';
import type { Decision, Principal } from '../domain/principal.js';

/** The question the authorization layer asks for a permission-guarded route. */
export interface AuthorizationQuestion {
  readonly principal: Principal;
  readonly access: PermissionAccess;
  /** The `{org}` path parameter (id or slug) for org-scoped routes. */
  readonly org: string | undefined;
  /**
   * Where the request came from, when a request asks (the authorization layer): a deny is then
   * audited as an authorization failure. Internal checks (a key's scopes at creation) omit it.
   */
  readonly context?: { readonly ip: string | null; readonly requestId: string; readonly userAgent: string | undefined };
}

/**
 * Decides whether a principal holds a permission. Deny by default: an unknown permission, org or
 * principal is a deny, never an error. A `hide` deny turns into 404 so that another tenant's
 * resources are never revealed.
 */
export interface Authorizer {
  decide(question: AuthorizationQuestion): Promise<AuthorizerDecision>;
}

/** A decision; an allowed org-scoped one names the org, for the layer to mint the tenant scope. */
export interface AuthorizerDecision extends Decision {
  readonly org?: { readonly id: string; readonly slug: string };
}

/** The authorizer of a deployment that has no roles yet: it denies every permission. */
export const denyAllAuthorizer: Authorizer = Object.freeze({
  decide: () => Promise.resolve({ allow: false, reason: 'no authorizer grants permissions' }),
});
