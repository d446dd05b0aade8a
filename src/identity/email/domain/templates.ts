/**
 * The mail identity's email flows send (plain text and HTML; `{{placeholders}}` filled, and
 * escaped in the HTML, by the mail capability). A link carries a one-time token; the mails say
 * how long it works and what to do if the reader did not ask.
 */
import type { MailTemplate } from '../../../mail/index.js';

const FOOTER_TEXT = '\n\n-- \nSent by Rampart at {{public_url}}';
const FOOTER_HTML = '<p style="color:#666">Sent by Rampart at {{public_url}}</p>';

export const VERIFY_EMAIL: MailTemplate = {
  name: 'identity.email_verify',
  subject: 'Confirm your email address',
  text:
    'Confirm that {{email}} is your address by opening this link within 24 hours:\n\n{{link}}\n\n' +
    'Or send this code to POST /api/v1/auth/email/confirm: {{token}}\n\n' +
    'If you did not ask for this, ignore this message.' +
    FOOTER_TEXT,
  html:
    '<p>Confirm that <strong>{{email}}</strong> is your address by opening this link within 24 hours:</p>' +
    '<p><a href="{{link}}">Confirm my email address</a></p>' +
    '<p>Or send this code to <code>POST /api/v1/auth/email/confirm</code>: <code>{{token}}</code></p>' +
    '<p>If you did not ask for this, ignore this message.</p>' +
    FOOTER_HTML,
};

export const RESET_PASSWORD: MailTemplate = {
  name: 'identity.password_reset',
  subject: 'Reset your password',
  text:
    'Someone asked to reset the password of the account {{email}}. To choose a new password, open this link within 30 minutes:\n\n{{link}}\n\n' +
    'Or send this code with your new password to POST /api/v1/auth/password/reset: {{token}}\n\n' +
    'Resetting signs you out everywhere. If you did not ask for this, ignore this message: your password stays as it is.' +
    FOOTER_TEXT,
  html:
    '<p>Someone asked to reset the password of the account <strong>{{email}}</strong>. To choose a new password, open this link within 30 minutes:</p>' +
    '<p><a href="{{link}}">Reset my password</a></p>' +
    '<p>Or send this code with your new password to <code>POST /api/v1/auth/password/reset</code>: <code>{{token}}</code></p>' +
    '<p>Resetting signs you out everywhere. If you did not ask for this, ignore this message: your password stays as it is.</p>' +
    FOOTER_HTML,
};

export const CHANGE_EMAIL: MailTemplate = {
  name: 'identity.email_change',
  subject: 'Confirm your new email address',
  text:
    'Someone asked to move the account {{old_email}} to this address, {{email}}. To confirm, open this link within an hour:\n\n{{link}}\n\n' +
    'Or send this code to POST /api/v1/auth/email/confirm: {{token}}\n\n' +
    'If you did not ask for this, ignore this message: nothing changes.' +
    FOOTER_TEXT,
  html:
    '<p>Someone asked to move the account <strong>{{old_email}}</strong> to this address, <strong>{{email}}</strong>. To confirm, open this link within an hour:</p>' +
    '<p><a href="{{link}}">Confirm my new address</a></p>' +
    '<p>Or send this code to <code>POST /api/v1/auth/email/confirm</code>: <code>{{token}}</code></p>' +
    '<p>If you did not ask for this, ignore this message: nothing changes.</p>' +
    FOOTER_HTML,
};

/** To the address an account was asked to move to, when another account already has it. */
export const CHANGE_EMAIL_TAKEN: MailTemplate = {
  name: 'identity.email_change_taken',
  subject: 'Your address was given for another account',
  text:
    'Someone asked to move another account to this address, {{email}}, which already has an account. Nothing was changed.\n\n' +
    'If this was you, sign in to the account that has this address instead.' +
    FOOTER_TEXT,
  html:
    '<p>Someone asked to move another account to this address, <strong>{{email}}</strong>, which already has an account. Nothing was changed.</p>' +
    '<p>If this was you, sign in to the account that has this address instead.</p>' +
    FOOTER_HTML,
};

/** To the old address after an email change, when no security-event notifier tells it. */
export const EMAIL_CHANGED: MailTemplate = {
  name: 'identity.email_changed',
  subject: 'The email address of your account was changed',
  text:
    'The account that used this address, {{old_email}}, now uses {{email}}.\n\n' +
    'If you did not do this, reset your password at once and contact the administrator of {{public_url}}.' +
    FOOTER_TEXT,
  html:
    '<p>The account that used this address, <strong>{{old_email}}</strong>, now uses <strong>{{email}}</strong>.</p>' +
    '<p>If you did not do this, reset your password at once and contact the administrator of {{public_url}}.</p>' +
    FOOTER_HTML,
};

/** To the owner of an address someone tried to register with (self-registration). */
export const REGISTRATION_EMAIL_TAKEN: MailTemplate = {
  name: 'identity.registration_email_taken',
  subject: 'Someone tried to register with your address',
  text:
    'Someone tried to open a new account with this address, {{email}}, which already has one. No account was created and nothing was changed.\n\n' +
    'If this was you and you forgot your password, ask for a reset at POST /api/v1/auth/password/forgot.' +
    FOOTER_TEXT,
  html:
    '<p>Someone tried to open a new account with this address, <strong>{{email}}</strong>, which already has one. No account was created and nothing was changed.</p>' +
    '<p>If this was you and you forgot your password, ask for a reset at <code>POST /api/v1/auth/password/forgot</code>.</p>' +
    FOOTER_HTML,
};
