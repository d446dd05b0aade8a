/**
 * Tells an invitee about an invitation (by email, once a mailer exists). Rampart ships none: the
 * embedding application may pass one (`RampartOptions.invitationNotifier`), and mail arrives with
 * a later issue.
 *
 * Guarantees asked of an implementation: it is called for every invitation, whether or not the
 * email belongs to an account (so it reveals nothing by being called); it must not throw for an
 * unknown address; it is not awaited by the request (a slow or failing mailer neither delays nor
 * changes the inviter's answer) — a rejection is logged, never surfaced.
 */

/** What the invitee is told. Holds no secret: accepting needs the invitee to sign in. */
export interface InvitationNotice {
  readonly invitationId: string;
  readonly email: string;
  readonly org: { readonly id: string; readonly slug: string; readonly name: string };
  readonly role: string;
  readonly expiresAt: number;
}

export interface InvitationNotifier {
  invited(notice: InvitationNotice): Promise<void>;
}
