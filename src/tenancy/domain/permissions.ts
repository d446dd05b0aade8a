/**
 * The permission registry and the built-in roles (test/fixtures/spec-api-v1.md, "Organisations, members, roles").
 *
 * Rules this file enforces:
 * 1. A permission is a dotted lower-case name (`secrets.read`, `vm.export`). Rampart's own are
 *    {@link BUILTIN_PERMISSIONS}; an application registers its own with {@link PermissionRegistry.register}.
 * 2. An unknown permission in a role or a registration is a configuration error: it throws at
 *    registration (fail closed at start). At run time, `decide()` denies an unknown permission.
 * 3. Built-in roles are immutable: `owner` holds every org permission, `admin` every one but
 *    `org.delete`, `operator` day-to-day operations, `viewer` read-only, `auditor` read-only plus
 *    `audit.read` (the matrix, Admin / Operator / Viewer / Auditor).
 * 4. Platform permissions (`users.manage`, `metrics.read`) are never granted by an org role; owners
 *    and admins of the built-in `system` org hold them.
 * 5. Sensitive permissions ({@link SENSITIVE_PERMISSIONS}, and an application's own registered with
 *    `sensitive: true`): a member whose role — built-in or custom — holds one must have a second
 *    factor (V6.3.3; identity/mfa/services/mfa-enforcement.ts, installed by tenancy/compose.ts).
 */
import { isPermissionName } from '../../kernel/domain/access.js';

/** Rampart's org-scoped permissions. */
export const BUILTIN_PERMISSIONS = Object.freeze([
  'org.read',
  'org.delete',
  // The org's data export (GDPR Art. 20): owner and admin only, since it lists every member and credential.
  'org.export',
  'members.read',
  'members.manage',
  'roles.manage',
  'audit.read',
  'secrets.read',
  'secrets.manage',
  'clients.manage',
  'api_keys.manage',
  'resources.read',
  'resources.write',
  'resources.export',
  'jobs.read',
  'jobs.run',
  'jobs.cancel',
  'providers.manage',
  'config.manage',
  'webhooks.manage',
  'artifacts.sign',
  'licences.manage',
  // Watching the revocation feed (GET /api/v1/revocations/stream): service clients of applications.
  'sessions.watch',
] as const);

/**
 * Rampart's permissions whose holder needs a second factor (V6.3.3): what takes over an org, its
 * people, its secrets and its credentials, exports everything, or signs in its name.
 */
export const SENSITIVE_PERMISSIONS: ReadonlySet<string> = new Set([
  'org.delete',
  'org.export',
  'members.manage',
  'roles.manage',
  'secrets.manage',
  'api_keys.manage',
  'clients.manage',
  'config.manage',
  'licences.manage',
  'artifacts.sign',
]);

/** Platform-scoped permissions: held through the `system` org's owner and admin roles only. */
export const PLATFORM_PERMISSIONS: ReadonlySet<string> = new Set(['users.manage', 'metrics.read']);

export type BuiltinRoleName = 'owner' | 'admin' | 'operator' | 'viewer' | 'auditor';
export const BUILTIN_ROLE_NAMES: readonly BuiltinRoleName[] = Object.freeze(['owner', 'admin', 'operator', 'viewer', 'auditor']);

const READ_ONLY = ['org.read', 'resources.read', 'jobs.read'] as const;

/**
 * The built-in roles other than owner and admin, by permission. Owner and admin are defined by
 * exclusion (every registered permission, admin without `org.delete`), so an application's own
 * permissions reach them without being listed; the others receive an application permission only
 * when its registration names them.
 */
const FIXED_ROLES: Readonly<Record<'operator' | 'viewer' | 'auditor', readonly string[]>> = Object.freeze({
  operator: [
    ...READ_ONLY,
    'resources.write',
    'resources.export',
    'jobs.run',
    'jobs.cancel',
    'providers.manage',
    'webhooks.manage',
    'artifacts.sign',
  ],
  viewer: [...READ_ONLY],
  auditor: [...READ_ONLY, 'audit.read'],
});

/** Thrown at registration for an invalid permission or role: a configuration error. */
export class PermissionConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermissionConfigurationError';
  }
}

/** An application's permission and the built-in roles (beyond owner and admin) that hold it. */
export interface PermissionRegistration {
  readonly name: string;
  readonly grantedTo?: readonly ('operator' | 'viewer' | 'auditor')[];
  /** A holder must have a second factor (V6.3.3), as for Rampart's {@link SENSITIVE_PERMISSIONS}. */
  readonly sensitive?: boolean;
}

export function isBuiltinRole(name: string): name is BuiltinRoleName {
  return (BUILTIN_ROLE_NAMES as readonly string[]).includes(name);
}

/**
 * The permissions a deployment knows and the built-in roles' grants. Frozen views are rebuilt on
 * each registration; registrations happen at start, before the first request.
 */
export class PermissionRegistry {
  readonly #known = new Set<string>(BUILTIN_PERMISSIONS);
  readonly #sensitive = new Set<string>(SENSITIVE_PERMISSIONS);
  readonly #extra: Record<'operator' | 'viewer' | 'auditor', Set<string>> = { operator: new Set(), viewer: new Set(), auditor: new Set() };
  #roles = new Map<BuiltinRoleName, ReadonlySet<string>>();

  constructor(registrations: readonly PermissionRegistration[] = []) {
    for (const registration of registrations) this.#add(registration);
    this.#rebuild();
  }

  /** Registers an application's permission; throws {@link PermissionConfigurationError} when it is invalid. */
  register(registration: PermissionRegistration): void {
    this.#add(registration);
    this.#rebuild();
  }

  has(permission: string): boolean {
    return this.#known.has(permission);
  }

  /** Whether a holder of `permission` must have a second factor (rule 5). */
  isSensitive(permission: string): boolean {
    return this.#sensitive.has(permission);
  }

  /** Every known org permission, sorted. */
  all(): readonly string[] {
    return [...this.#known].sort();
  }

  /** A built-in role's permissions. */
  builtin(role: BuiltinRoleName): ReadonlySet<string> {
    const permissions = this.#roles.get(role);
    if (permissions === undefined) throw new PermissionConfigurationError(`unknown built-in role ${role}`);
    return permissions;
  }

  /**
   * Checks a custom role's permissions at registration: each must be known. Returns the sorted,
   * de-duplicated list; throws {@link PermissionConfigurationError} naming the first unknown one.
   */
  validateRole(permissions: readonly string[]): readonly string[] {
    for (const permission of permissions) {
      if (!this.#known.has(permission)) throw new PermissionConfigurationError(`unknown permission ${permission}`);
    }
    return [...new Set(permissions)].sort();
  }

  #add(registration: PermissionRegistration): void {
    const { name } = registration;
    if (!isPermissionName(name)) throw new PermissionConfigurationError(`permission ${name} is not a dotted lower-case name`);
    if (PLATFORM_PERMISSIONS.has(name)) throw new PermissionConfigurationError(`permission ${name} is a platform permission`);
    this.#known.add(name);
    if (registration.sensitive === true) this.#sensitive.add(name);
    for (const role of registration.grantedTo ?? []) {
      if (!Object.hasOwn(this.#extra, role)) throw new PermissionConfigurationError(`role ${String(role)} cannot be granted ${name}`);
      this.#extra[role].add(name);
    }
  }

  #rebuild(): void {
    const all = [...this.#known];
    const roles = new Map<BuiltinRoleName, ReadonlySet<string>>();
    roles.set('owner', new Set(all));
    roles.set('admin', new Set(all.filter((p) => p !== 'org.delete')));
    for (const role of ['operator', 'viewer', 'auditor'] as const) roles.set(role, new Set([...FIXED_ROLES[role], ...this.#extra[role]]));
    this.#roles = roles;
  }
}
