/**
 * Invitations (test/fixtures/spec-api-v1.md, "Added in v1.1"; docs/decisions/013-invitations.md).
 * The rules:
 * 1. `POST /orgs/{org}/members {email, role}` stores an invitation to the normalised email and
 *    answers 202 `{invitation_id, expires_at}` — the same answer, by the same path, whether or not
 *    an account has that email: the invite never looks an account up;
 * 2. the grant rules hold at invite time (the role exists; no role above the inviter's, a refusal
 *    audited as a failure);
 * 3. nothing changes for the invitee until they accept: no membership, no MFA requirement;
 * 4. an invitation is visible to, and can be accepted or declined by, the account whose current
 *    email it is addressed to; anyone else gets 404;
 * 5. an expired invitation answers 410 `invitation_expired`; at accept time the role must still
 *    exist in the org and the inviter must still be able to grant it (else 409 `conflict`);
 * 6. accepting adds the membership and spends the invitation in one transaction, drops the org's
 *    cached decisions everywhere and calls the privilege-change hook (session id rotation, MFA
 *    requirement re-evaluated);
 * 7. every step is audited first (invite, revoke, accept, decline): no entry, no change.
 */
import { randomKey } from '../../kernel/crypto/random.js';
import { DomainError } from '../../kernel/domain/errors.js';
import type { Principal } from '../../kernel/domain/principal.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { normaliseEmail, type UserStore } from '../../identity/index.js';
import { isExpired, type Invitation, type ReceivedInvitation } from '../domain/invitation.js';
import type { InvitationNotifier } from '../ports/invitation-notifier.js';
import type { InvitationStore } from '../ports/invitation-store.js';
import type { OrgStore } from '../ports/org-store.js';
import type { MemberService } from './member-service.js';
import type { OrgEventFacts, OrgEvents, TenancyActor } from './org-events.js';
import type { TenantAuthorizer } from './tenant-authorizer.js';

export interface InvitationServiceOptions {
  readonly invitations: InvitationStore;
  readonly orgs: Pick<OrgStore, 'resolve'>;
  readonly users: Pick<UserStore, 'findById'>;
  readonly authorizer: TenantAuthorizer;
  readonly members: Pick<MemberService, 'requireGrantable'>;
  readonly events: OrgEvents;
  readonly clock: Clock;
  /** How long an invitation stays open, in seconds (`RAMPART_INVITATION_TTL`). */
  readonly ttlSeconds: number;
  /** Tells the invitee (a mailer); none by default. */
  readonly notifier?: InvitationNotifier;
  /** Where a notifier's failure is reported (it never reaches the inviter). */
  readonly onNotifyError?: (error: unknown) => void;
  /** Called after the invitee joins (browser sessions: a new session id; MFA re-evaluated). */
  readonly privilegeChanged?: (userId: string) => Promise<unknown>;
}

/** The membership an accepted invitation made. */
export interface JoinedMembership {
  readonly orgId: string;
  readonly orgSlug: string;
  readonly role: string;
}

export class InvitationService {
  readonly #o: InvitationServiceOptions;

  constructor(options: InvitationServiceOptions) {
    this.#o = options;
  }

  /** Rule 1 and 2: invites `email` to the scope's org with `role`. */
  async invite(scope: TenantScope, email: string, role: string, actor: TenancyActor): Promise<Invitation> {
    const org = await this.#o.authorizer.orgView(scope.orgId);
    if (org === undefined) throw new DomainError('not_found', 'No such org');
    const id = `inv_${randomKey(16).toString('hex')}`;
    const facts: OrgEventFacts = { orgId: scope.orgId, action: 'invitation.create', resource: id, details: { role } };
    await this.#o.members.requireGrantable(scope, org, role, facts, actor);
    const invitedBy = actingUserOf(actor.principal);
    const now = this.#o.clock.now();
    const invitation: Invitation = Object.freeze({
      id,
      orgId: scope.orgId,
      email: normaliseEmail(email),
      role,
      invitedBy,
      createdAt: now,
      expiresAt: now + this.#o.ttlSeconds * 1000,
    });
    const details = { role, expires_at: new Date(invitation.expiresAt).toISOString() };
    await this.#o.events.change({ ...facts, details }, actor, () => this.#o.invitations.create(scope, invitation), false);
    await this.#notify(invitation, { id: org.id, slug: org.slug });
    return invitation;
  }

  list(scope: TenantScope): Promise<readonly Invitation[]> {
    return this.#o.invitations.list(scope, this.#o.clock.now());
  }

  async revoke(scope: TenantScope, id: string, actor: TenancyActor): Promise<void> {
    const pending = (await this.#o.invitations.list(scope, Number.MIN_SAFE_INTEGER)).some((invitation) => invitation.id === id);
    if (!pending) throw new DomainError('not_found', 'No such invitation');
    const facts: OrgEventFacts = { orgId: scope.orgId, action: 'invitation.revoke', resource: id };
    await this.#o.events.change(
      facts,
      actor,
      async () => {
        if (!(await this.#o.invitations.revoke(scope, id))) throw new DomainError('not_found', 'No such invitation');
      },
      false,
    );
  }

  /** Rule 4: the caller's pending invitations. */
  async mine(principal: Principal): Promise<readonly ReceivedInvitation[]> {
    const email = await this.#emailOf(principal);
    return this.#o.invitations.receivedBy(email, this.#o.clock.now());
  }

  /** Rules 4–6: the caller joins the invitation's org. */
  async accept(id: string, actor: TenancyActor): Promise<JoinedMembership> {
    const userId = actor.principal.id;
    const invitation = await this.#addressedToCaller(id, actor.principal);
    const org = await this.#o.authorizer.orgView(invitation.orgId);
    if (org === undefined) throw new DomainError('not_found', 'No such invitation');
    const granted = org.roles.get(invitation.role);
    const inviter: Principal = { type: 'user', id: invitation.invitedBy, via: 'bearer' };
    const inviterHolds = await this.#o.authorizer.permissionsIn(inviter, org);
    if (granted === undefined || [...granted].some((p) => !inviterHolds.has(p))) {
      throw new DomainError('conflict', 'The invitation is no longer valid: its role changed or its inviter cannot grant it');
    }
    const facts: OrgEventFacts = {
      orgId: org.id,
      action: 'invitation.accept',
      resource: id,
      details: { role: invitation.role },
      subject: userId,
    };
    await this.#o.events.change(facts, actor, async () => {
      const outcome = await this.#o.invitations.accept(id, invitation.email, userId, this.#o.clock.now());
      if (outcome === 'gone') throw new DomainError('not_found', 'No such invitation');
      if (outcome === 'already_member') throw new DomainError('conflict', 'The caller is already a member of the org');
    });
    await this.#o.privilegeChanged?.(userId);
    return { orgId: org.id, orgSlug: org.slug, role: invitation.role };
  }

  /** Rule 4: the caller turns the invitation down; nothing else changes. */
  async decline(id: string, actor: TenancyActor): Promise<void> {
    const invitation = await this.#addressedToCaller(id, actor.principal, true);
    const facts: OrgEventFacts = {
      orgId: invitation.orgId,
      action: 'invitation.decline',
      resource: id,
      subject: actor.principal.id,
    };
    await this.#o.events.change(
      facts,
      actor,
      async () => {
        if (!(await this.#o.invitations.decline(id, invitation.email))) throw new DomainError('not_found', 'No such invitation');
      },
      false,
    );
  }

  /** The invitation, when addressed to the caller's current email: 404 otherwise, 410 once expired. */
  async #addressedToCaller(id: string, principal: Principal, expiredToo = false): Promise<Invitation> {
    const email = await this.#emailOf(principal);
    const invitation = await this.#o.invitations.addressedTo(id, email);
    if (invitation === undefined) throw new DomainError('not_found', 'No such invitation');
    if (!expiredToo && isExpired(invitation, this.#o.clock.now()))
      throw new DomainError('invitation_expired', 'The invitation has expired');
    return invitation;
  }

  async #emailOf(principal: Principal): Promise<string> {
    if (principal.type !== 'user') throw new DomainError('forbidden', 'Only a user has invitations');
    const user = await this.#o.users.findById(principal.id);
    if (user === undefined || user.status !== 'active') throw new DomainError('forbidden', 'The account is not active');
    return normaliseEmail(user.email);
  }

  /**
   * Tells the invitee. Awaited, for the mail capability only stores the message in its outbox (the
   * answer then never races the row), but a notifier's failure is reported, never the inviter's.
   */
  async #notify(invitation: Invitation, org: { id: string; slug: string }): Promise<void> {
    const { notifier } = this.#o;
    if (notifier === undefined) return;
    try {
      const full = await this.#o.orgs.resolve(org.id);
      await notifier.invited({
        invitationId: invitation.id,
        email: invitation.email,
        org: { id: org.id, slug: org.slug, name: full?.name ?? org.slug },
        role: invitation.role,
        expiresAt: invitation.expiresAt,
      });
    } catch (error) {
      (this.#o.onNotifyError ?? (() => undefined))(error);
    }
  }
}

/** The user an invitation is from: the caller, or the owner of the caller's credential. */
function actingUserOf(principal: Principal): string {
  const userId = principal.type === 'user' ? principal.id : principal.owner;
  if (userId === undefined) throw new DomainError('forbidden', 'Only a user, or a credential of one, invites');
  return userId;
}
