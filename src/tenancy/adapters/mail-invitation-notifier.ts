/**
 * The {@link InvitationNotifier} that mails the invitee through the mail capability's outbox
 * (issue 17): composed when the embedding application passes no notifier of its own. Without a
 * configured mail server the message waits in the outbox, like every other mail. The mail names the org, the role and the expiry and
 * says where to accept; it holds no secret (accepting needs the invitee to sign in), and it is
 * sent whether or not the address has an account, like the notifier contract asks.
 */
import type { Mail, MailTemplate } from '../../mail/index.js';
import type { InvitationNotice, InvitationNotifier } from '../ports/invitation-notifier.js';

export const INVITATION_MAIL: MailTemplate = {
  name: 'tenancy.invitation',
  subject: 'You are invited to join {{org_name}}',
  text:
    'You are invited to join {{org_name}} ({{org_slug}}) as {{role}}.\n\n' +
    'To accept, sign in (or create an account with this address, {{email}}) at {{public_url}} and accept the invitation ' +
    '(GET /api/v1/me/invitations, then POST /api/v1/me/invitations/{{invitation_id}}/accept). The invitation expires on {{expires_at}}.\n\n' +
    'If you do not know this org, ignore this message.\n\n-- \nSent by Rampart at {{public_url}}',
  html:
    '<p>You are invited to join <strong>{{org_name}}</strong> ({{org_slug}}) as <strong>{{role}}</strong>.</p>' +
    '<p>To accept, sign in (or create an account with this address, {{email}}) at <a href="{{public_url}}">{{public_url}}</a> and accept the invitation ' +
    '(<code>GET /api/v1/me/invitations</code>, then <code>POST /api/v1/me/invitations/{{invitation_id}}/accept</code>). The invitation expires on {{expires_at}}.</p>' +
    '<p>If you do not know this org, ignore this message.</p><p style="color:#666">Sent by Rampart at {{public_url}}</p>',
};

export class MailInvitationNotifier implements InvitationNotifier {
  readonly #mail: Mail;
  readonly #publicUrl: string;

  constructor(mail: Mail, publicUrl: string) {
    this.#mail = mail;
    this.#publicUrl = publicUrl.replace(/\/+$/, '');
  }

  async invited(notice: InvitationNotice): Promise<void> {
    await this.#mail.queue({
      to: notice.email,
      template: INVITATION_MAIL,
      orgId: notice.org.id,
      values: {
        org_name: notice.org.name,
        org_slug: notice.org.slug,
        role: notice.role,
        email: notice.email,
        invitation_id: notice.invitationId,
        expires_at: new Date(notice.expiresAt).toISOString(),
        public_url: this.#publicUrl,
      },
    });
  }
}
