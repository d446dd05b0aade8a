/**
 * The authorization decision, pure (DESIGN.md principle 2, "Deny by default"). The rules, in order:
 * 1. an unknown permission is denied (a configuration error surfaces at registration, never here);
 * 2. a platform permission is never granted by an org role;
 * 3. a credential confined to another org does not see this one (hidden);
 * 4. a resource that belongs to another org is hidden;
 * 5. an inactive account, or one that is not a member of the org, does not see it (hidden);
 * 6. the member's role must grant the permission (a deny inside the org: 403, not hidden);
 * 7. an API key or service client also needs the permission among its scopes: its authority is
 *    `scopes ∩ its owner's permissions`, evaluated at every decision.
 */
import type { Decision, Principal } from '../../kernel/domain/principal.js';
import { PLATFORM_PERMISSIONS } from './permissions.js';

/** Who asks: the principal, and the user whose membership bounds it (itself, or the credential's owner). */
export interface DecisionSubject {
  readonly principal: Principal;
  /** Whether that user's account is active. */
  readonly active: boolean;
  /** That user's role in the org, or `undefined` when it is not a member. */
  readonly role: string | undefined;
}

/** The org as the decision needs it: its ids and every role's permissions (built-in and custom). */
export interface DecisionOrg {
  readonly id: string;
  readonly slug: string;
  readonly roles: ReadonlyMap<string, ReadonlySet<string>>;
  /** Whether the deployment knows the permission (built-in or registered by an application). */
  readonly knows: (permission: string) => boolean;
}

/** What the permission is exercised on, when it is a resource of some org. */
export interface DecisionResource {
  /** The id or slug of the org the resource belongs to. */
  readonly org?: string;
}

function deny(reason: string, hide = false): Decision {
  return hide ? { allow: false, reason, hide: true } : { allow: false, reason };
}

/** The org's permissions of a subject, before any credential scope: empty when it is not an active member. */
export function rolePermissions(subject: DecisionSubject, org: DecisionOrg): ReadonlySet<string> {
  if (!subject.active || subject.role === undefined) return new Set();
  return org.roles.get(subject.role) ?? new Set();
}

/** Decides whether `subject` holds `permission` in `org` (on `resource`, when given). */
export function decide(subject: DecisionSubject, org: DecisionOrg, permission: string, resource?: DecisionResource): Decision {
  if (PLATFORM_PERMISSIONS.has(permission)) return deny(`${permission} is a platform permission, not granted by an org role`);
  if (!org.knows(permission)) return deny(`unknown permission ${permission}`);
  const confined = subject.principal.org;
  if (confined !== undefined && confined !== org.id) return deny('the credential is confined to another org', true);
  if (resource?.org !== undefined && resource.org !== org.id && resource.org !== org.slug) {
    return deny('the resource belongs to another org', true);
  }
  if (!subject.active) return deny('the account is not active', true);
  if (subject.role === undefined) return deny('not a member of the org', true);
  const granted = org.roles.get(subject.role);
  if (granted === undefined || !granted.has(permission)) return deny(`role ${subject.role} does not grant ${permission}`);
  const scopes = subject.principal.scopes;
  if (scopes !== undefined && !scopes.includes(permission)) return deny(`the credential's scopes do not include ${permission}`);
  return { allow: true, reason: `role ${subject.role} grants ${permission}` };
}
