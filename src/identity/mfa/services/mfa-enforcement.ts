/**
 * "MFA is required for platform admins and for org owners and admins unless the configuration
 * says otherwise" (docs/decisions/005-mfa.md, 007-browser-sessions.md). A user
 * holding the role `owner` or `admin` in any org (the built-in `system` org's owners and admins
 * are the platform admins) without a confirmed second factor must enrol before anything else:
 * every route but the enrolment's own answers 403 `mfa_enrollment_required`.
 *
 * The answer per user is cached for {@link MFA_ENFORCEMENT_TTL_MS}, so an authenticated request
 * costs no database read; this instance forgets a user at once when their factor or role changes
 * here (`forget`). A membership or role change anywhere publishes an `authz` event on the
 * revocation bus: {@link MfaEnforcement.listener} drops every cached answer on every instance as
 * soon as it arrives (and on a resync, when events may have been lost), so a promotion to owner
 * or admin is enforced at once, not within the TTL. A refusal is audited as a policy violation
 * (`mfa.enrolment_required`, a failure).
 *
 * V6.3.3 (docs/decisions/030-session-limits-and-kill-switch.md): tenancy, composed after identity,
 * installs {@link MfaEnforcement.requireFor} — a member whose role, built-in or custom, holds any
 * permission the registry marks sensitive (tenancy/domain/permissions.ts) must enrol too. Until it
 * is installed (identity alone), the built-in roles of {@link MFA_REQUIRED_ROLES} are the rule.
 */
import type { UserStore } from '../../accounts/ports/user-store.js';
import type { AuditAction } from '../../../kernel/domain/audit-entry.js';
import { userAuditEvent, type RequestContext } from '../../../kernel/domain/request-context.js';
import type { AuditLog } from '../../../kernel/ports/audit-log.js';
import type { RevocationListener } from '../../../kernel/ports/revocation-bus.js';
import type { Membership } from '../../accounts/domain/user.js';

/** Whether memberships hold a role that needs a second factor (installed by tenancy). */
export type PrivilegedMemberships = (memberships: readonly Membership[]) => Promise<boolean>;

/** Roles whose holders must have a second factor. */
export const MFA_REQUIRED_ROLES: ReadonlySet<string> = new Set(['owner', 'admin']);
export const MFA_ENFORCEMENT_TTL_MS = 5_000;

export interface MfaEnforcementOptions {
  readonly enabled: boolean;
  readonly users: Pick<UserStore, 'memberships'>;
  readonly factor: { isEnabled(userId: string): Promise<boolean> };
  readonly clock: { now(): number };
  readonly cacheSize?: number;
}

export class MfaEnforcement {
  readonly #o: MfaEnforcementOptions;
  readonly #cache = new Map<string, { readonly mustEnrol: boolean; readonly until: number }>();
  readonly #max: number;
  #privileged: PrivilegedMemberships = (memberships) =>
    Promise.resolve(memberships.some((membership) => MFA_REQUIRED_ROLES.has(membership.role)));

  constructor(options: MfaEnforcementOptions) {
    this.#o = options;
    this.#max = options.cacheSize ?? 50_000;
  }

  get enabled(): boolean {
    return this.#o.enabled;
  }

  /** Whether memory already says `userId` need not enrol (then {@link mustEnrol} would answer `false`). */
  knownClear(userId: string): boolean {
    if (!this.#o.enabled) return true;
    const cached = this.#cache.get(userId);
    return cached !== undefined && !cached.mustEnrol && cached.until > this.#o.clock.now();
  }

  /** Whether `userId` holds a role that needs a second factor and has none confirmed. */
  async mustEnrol(userId: string): Promise<boolean> {
    if (!this.#o.enabled) return false;
    const now = this.#o.clock.now();
    const cached = this.#cache.get(userId);
    if (cached !== undefined && cached.until > now) return cached.mustEnrol;
    const memberships = await this.#o.users.memberships(userId);
    const privileged = await this.#privileged(memberships);
    const mustEnrol = privileged && !(await this.#o.factor.isEnabled(userId));
    if (this.#cache.size >= this.#max) this.#cache.clear();
    this.#cache.set(userId, { mustEnrol, until: now + MFA_ENFORCEMENT_TTL_MS });
    return mustEnrol;
  }

  /**
   * Replaces the rule of who must enrol (V6.3.3): tenancy's "a role holding a sensitive
   * permission". Called once at composition, before the first request; drops every cached answer.
   */
  requireFor(privileged: PrivilegedMemberships): void {
    this.#privileged = privileged;
    this.#cache.clear();
  }

  /** Drops what this instance knows of `userId` (their factor or roles changed). */
  forget(userId: string): void {
    this.#cache.delete(userId);
  }

  /**
   * The revocation-bus listener: an `authz` event (some org's memberships or roles changed, on any
   * instance) or a resync drops every cached answer — the event names the org, not its members.
   */
  listener(): RevocationListener {
    return {
      onRevoked: (event) => {
        if (event.kind === 'authz') this.#cache.clear();
      },
      onResync: () => this.#cache.clear(),
    };
  }
}

const REFUSED = 'mfa.enrolment_required' satisfies AuditAction;

/** Records that `route` was refused to `userId` for want of a second factor (a policy violation). */
export async function recordEnrolmentRequired(audit: AuditLog, userId: string, context: RequestContext, route: string): Promise<void> {
  await audit.record(
    userAuditEvent({ userId, action: REFUSED, resource: userId, context, reason: 'mfa_enrollment_required', details: { route } }),
  );
}
