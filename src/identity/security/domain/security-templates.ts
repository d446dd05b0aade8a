/**
 * The mail templates of identity's security notifications (docs/mail-templates.md shows each as
 * plain text): one per event kind, each naming the account, when, from which address and device,
 * and what to do if it was not the owner. Every template takes the same values
 * ({@link NOTICE_VALUES}); the new-device alert adds its two links and their expiry.
 */
import type { MailTemplate } from '../../../mail/index.js';
import type { SecurityEventKind } from './security-event.js';

/** The values every security notification is rendered with. */
export const NOTICE_VALUES = ['account', 'when', 'address', 'device', 'details'] as const;

const FOOTER_TEXT =
  'When: {{when}}\nAddress: {{address}}\nDevice: {{device}}\n{{details}}\n' +
  'If this was you, there is nothing to do. If it was not, sign in, change your password and review your sessions at once.\n';
const FOOTER_HTML =
  '<p>When: {{when}}<br>Address: {{address}}<br>Device: {{device}}</p><pre>{{details}}</pre>' +
  '<p>If this was you, there is nothing to do. If it was not, sign in, change your password and review your sessions at once.</p>';

function notice(kind: SecurityEventKind, subject: string, what: string): MailTemplate {
  return Object.freeze({
    name: `identity.security.${kind}`,
    subject,
    text: `${what} on your account {{account}}.\n\n${FOOTER_TEXT}`,
    html: `<p>${what} on your account {{account}}.</p>${FOOTER_HTML}`,
  });
}

/** The new-device alert: the one notification with links ("this was me", "this wasn't me"). */
export const NEW_DEVICE_TEMPLATE: MailTemplate = Object.freeze({
  name: 'identity.security.sign_in_new_device',
  subject: 'New sign-in to your account',
  text:
    'Someone signed in to your account {{account}} from a device that has not signed in to it before.\n\n' +
    'When: {{when}}\nAddress: {{address}}\nDevice: {{device}}\n\n' +
    'Was this you? Open one of these links (each works once, until {{expires}}):\n' +
    'This was me: {{confirm_url}}\n' +
    "This wasn't me (signs that device out and asks you to reset your password): {{revoke_url}}\n",
  html:
    '<p>Someone signed in to your account {{account}} from a device that has not signed in to it before.</p>' +
    '<p>When: {{when}}<br>Address: {{address}}<br>Device: {{device}}</p>' +
    '<p>Was this you? Each link works once, until {{expires}}.</p>' +
    '<p><a href="{{confirm_url}}">This was me</a></p>' +
    '<p><a href="{{revoke_url}}">This wasn\'t me</a>: signs that device out and asks you to reset your password.</p>',
});

/** The template of each event kind. */
export const SECURITY_TEMPLATES: Readonly<Record<SecurityEventKind, MailTemplate>> = Object.freeze({
  sign_in_new_device: NEW_DEVICE_TEMPLATE,
  password_changed: notice('password_changed', 'Your password was changed', 'The password was changed'),
  password_reset: notice('password_reset', 'Your password was reset', 'The password was reset with a link sent by mail'),
  email_changed: notice('email_changed', 'Your email address was changed', 'The email address was changed'),
  mfa_enabled: notice('mfa_enabled', 'Two-step sign-in was turned on', 'A second factor (authenticator app) was added'),
  mfa_disabled: notice(
    'mfa_disabled',
    'Two-step sign-in was turned off',
    'The second factor (authenticator app) and its recovery codes were removed',
  ),
  passkey_added: notice('passkey_added', 'A passkey was added', 'A passkey was added'),
  passkey_removed: notice('passkey_removed', 'A passkey was removed', 'A passkey was removed'),
  api_key_created: notice('api_key_created', 'An API key was created', 'An API key was created'),
  recovery_code_used: notice('recovery_code_used', 'A recovery code was used', 'A recovery code was used to sign in or confirm an action'),
  sessions_revoked_by_admin: notice(
    'sessions_revoked_by_admin',
    'You were signed out everywhere',
    'An administrator signed out every session',
  ),
});
