/**
 * The capability to touch one tenant's data (DESIGN.md, "Tenant scope is a capability").
 *
 * Every tenant repository takes a `TenantScope`; its brand is a module-private symbol, so a value
 * of this type cannot be written as a literal nor passed from a plain object (an explicit `as`
 * cast still compiles, so the lint step refuses `as TenantScope` anywhere in `src/`).
 * Only the authorization layer mints one (`mintTenantScope`, whose importers the lint step
 * restricts), after it has decided that the principal may act in that org. On PostgreSQL the same
 * scope sets `app.org_id` inside the transaction, and row-level security enforces it again.
 */
import type { Principal } from './principal.js';

const brand: unique symbol = Symbol('TenantScope');

export interface TenantScope {
  /** `org_…`: the only org whose rows this scope reaches. */
  readonly orgId: string;
  readonly orgSlug: string;
  /** Who acts; `undefined` for the system itself (background work such as retention). */
  readonly principal: Principal | undefined;
  readonly [brand]: true;
}

/** Mints a scope. Call it only from the authorization layer, after a positive decision. */
export function mintTenantScope(org: { readonly id: string; readonly slug: string }, principal: Principal | undefined): TenantScope {
  return Object.freeze({ orgId: org.id, orgSlug: org.slug, principal, [brand]: true as const });
}
