/**
 * What a route demands of its caller. Every route declares one (DESIGN.md, "Deny by default"):
 * the server refuses to start when a route has none.
 *
 * - `public`: anyone, authenticated or not.
 * - `authenticated`: any authenticated principal.
 * - a permission: an authenticated principal that holds it, in the route's org (`scope: 'org'`,
 *   the org named by the `{org}` path parameter) or on the platform (`scope: 'platform'`).
 */
export type RouteAccess = 'public' | 'authenticated' | PermissionAccess;

export interface PermissionAccess {
  readonly permission: string;
  readonly scope: 'org' | 'platform';
  /**
   * Callers from these network addresses pass without a credential (e.g. `/metrics` scraped
   * from loopback or `RAMPART_METRICS_ALLOW`). The address is the one the trust-proxy rule gives.
   */
  readonly exemptAddress?: (ip: string) => boolean;
}

const PERMISSION_NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/** Permission names are dotted lower-case words: `users.manage`, `vm.export`. */
export function isPermissionName(value: string): boolean {
  return PERMISSION_NAME.test(value);
}

/** Checks a declaration found on a route; returns why it is not valid, or `undefined`. */
export function accessDeclarationProblem(value: unknown): string | undefined {
  if (value === 'public' || value === 'authenticated') return undefined;
  if (typeof value !== 'object' || value === null) {
    return 'declares no access (public, authenticated or a permission)';
  }
  const declared = value as Partial<PermissionAccess>;
  if (typeof declared.permission !== 'string' || !isPermissionName(declared.permission)) {
    return 'declares a permission that is not a dotted name such as "users.manage"';
  }
  if (declared.scope !== 'org' && declared.scope !== 'platform') {
    return `declares permission ${declared.permission} without scope "org" or "platform"`;
  }
  return undefined;
}
