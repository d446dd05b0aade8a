/**
 * The system acting on one org's secrets and keys: the counterpart of a request's `TenantScope`
 * (`kernel/domain/tenant-scope.ts`) for work no principal asked for — retiring an org's data key,
 * re-sealing its versions under its newest key (`rampart secrets rotate-data-keys`, `rewrap`), the
 * operator's `rampart secrets min-version`.
 *
 * Its brand is a module-private symbol, as TenantScope's is: a `SystemScope` cannot be written as
 * a literal nor passed from a plain object. **Who may mint one ({@link systemScope})**: composition
 * and command-line code only — `secrets/cli/secrets.ts`, where the operator, not a request, is
 * acting, and `webhooks/compose.ts`, for the workers that sign deliveries — and tests. Never a
 * route (a route acts in its request's TenantScope), a service or an adapter: a service that does
 * system work takes the scope as an argument from that code.
 *
 * On PostgreSQL the SQL adapters run a `SystemScope`'s work in a system transaction (`withSystem`,
 * the `rampart_system` policy), and still filter every query by its `orgId`.
 */
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';

const brand: unique symbol = Symbol('SystemScope');

export interface SystemScope {
  /** `org_…`: the only org whose rows this scope reaches. */
  readonly orgId: string;
  /** No principal: the system acts (audited as actor `system`). */
  readonly principal: undefined;
  readonly [brand]: true;
}

/** Whose data keys a call reaches: a request's tenant scope, or the system acting on one org. */
export type KeyScope = TenantScope | SystemScope;

/** Mints a system scope on `orgId`. Call it only from composition or command-line code (see above). */
export function systemScope(orgId: string): SystemScope {
  return Object.freeze({ orgId, principal: undefined, [brand]: true as const });
}

/** Whether `scope` is the system's (a system transaction) rather than a request's (a tenant transaction). */
export function isSystemScope(scope: KeyScope): scope is SystemScope {
  return brand in scope;
}
