/**
 * Invitations as data (docs/decisions/013-invitations.md): an org offers a role to a normalised
 * email; nothing changes for the invitee until they accept. Pure: no I/O, no clock.
 */

/** A pending invitation, as its org sees it. */
export interface Invitation {
  /** `inv_…` */
  readonly id: string;
  readonly orgId: string;
  /** Normalised (trimmed, lower-cased). */
  readonly email: string;
  readonly role: string;
  /** The user who invited. */
  readonly invitedBy: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** A pending invitation as its invitee sees it: with the org's slug and name. */
export interface ReceivedInvitation extends Invitation {
  readonly org: { readonly id: string; readonly slug: string; readonly name: string };
}

/** Whether the invitation has expired at `now` (its expiry instant included). */
export function isExpired(invitation: Pick<Invitation, 'expiresAt'>, now: number): boolean {
  return now >= invitation.expiresAt;
}

/** What accepting an invitation did: joined, the row was gone (a race), or the invitee already belonged. */
export type AcceptOutcome = 'joined' | 'gone' | 'already_member';
