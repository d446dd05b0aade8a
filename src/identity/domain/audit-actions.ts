/**
 * The audit actions the identity capability records, for all its sub-rooms (accounts, tokens,
 * sessions, MFA, browser sessions): kernel/domain/audit-entry.ts, `AuditActions`.
 */
import type { AuditAction } from '../../kernel/domain/audit-entry.js';

declare module '../../kernel/domain/audit-entry.js' {
  interface AuditActions {
    /** A sign-in: a session opened (success), or the sign-in was refused, with the reason (failure). */
    'auth.login': true;
    /** The caller ended their own session (token or cookie). */
    'auth.logout': true;
    /** The password was right and a second factor is enrolled: an MFA token was handed out. */
    'auth.mfa.challenge': true;
    /** The second sign-in step was refused (an unknown MFA token, a wrong code, a disabled account). */
    'auth.mfa.verify': true;
    /** A refresh token was exchanged for a new one, or refused for a missing or invalid DPoP proof. */
    'auth.refresh': true;
    /** A spent refresh token was presented again: its whole session was revoked. */
    'auth.refresh_reuse': true;
    /** A cookie-authenticated change failed the CSRF rule (at most one entry per session a minute; the rest counted). */
    'auth.csrf_failed': true;
    /** A TOTP enrolment was started. */
    'mfa.totp.enrol': true;
    /** A pending TOTP enrolment was confirmed with a first code, or the code was refused. */
    'mfa.totp.confirm': true;
    /** TOTP and the recovery codes were removed, or the code given was refused. */
    'mfa.totp.disable': true;
    /** A request was refused because the caller's role needs a second factor they have not enrolled (a policy violation). */
    'mfa.enrolment_required': true;
    /** A step-up (the password or a second factor proven again on a session), or a change refused for want of one. */
    'auth.step_up': true;
    /** The caller revoked one of their own sessions. */
    'session.revoke': true;
    /** The caller revoked every other session of theirs (`DELETE /api/v1/me/sessions`). */
    'session.revoke_others': true;
    /** An administrator created an account (with a password, or invited with a set-password token). */
    'user.create': true;
    /** An administrator renamed, disabled or re-enabled an account. */
    'user.update': true;
    /** An administrator deleted an account. */
    'user.delete': true;
    /** An administrator revoked every session of an account. */
    'user.sessions.revoke': true;
    /** The kill switch: every session of an org's members, or of the whole deployment, was revoked at once. */
    'sessions.revoke_all': true;
    /** A password was set with a one-time token, or the token was refused. */
    'user.password.set': true;
    /** The caller changed their password, or the current password given was refused. */
    'user.password.change': true;
    /** Someone opened an account for themselves (self-registration, when enabled). */
    'user.register': true;
    /** "This was me" on a new-device alert: the device is known to the account from now on. */
    'auth.new_device.confirm': true;
    /** "This wasn't me" on a new-device alert: the sign-in's session (or every session) was revoked and a password reset asked for. */
    'auth.new_device.revoke': true;
    /** The caller asked for a verification mail for their address (or was refused past the mail rate limit). */
    'user.email.verify_request': true;
    /** An account's address was verified with a mailed token, or the token was refused. */
    'user.email.verify': true;
    /** The caller asked to move their account to a new address: a confirmation mail went to it. */
    'user.email.change_request': true;
    /** An account was moved to a new address with the token mailed to it, or the token was refused. */
    'user.email.change': true;
    /** A password-reset mail was asked for: queued for an account (success), or no account has the address (failure `unknown_account`). */
    'user.password.forgot': true;
    /** A password was reset with a mailed token (every session revoked), or the token was refused. */
    'user.password.reset': true;
    /** `rampart admin recover` on the machine (actor `system`/`cli`): a platform admin created or reset, its sessions revoked. */
    'admin.recover': true;
    /** An access-token signing key rotation: `rampart keys rotate` (actor `system`/`cli`) or the schedule (`system`/`schedule`). */
    'keys.rotate': true;
  }
}

/** The actions declared above, for the test that keeps every capability's list complete. */
export const IDENTITY_AUDIT_ACTIONS = [
  'auth.login',
  'auth.logout',
  'auth.mfa.challenge',
  'auth.mfa.verify',
  'auth.refresh',
  'auth.refresh_reuse',
  'auth.csrf_failed',
  'mfa.totp.enrol',
  'mfa.totp.confirm',
  'mfa.totp.disable',
  'mfa.enrolment_required',
  'auth.step_up',
  'session.revoke',
  'session.revoke_others',
  'user.create',
  'user.update',
  'user.delete',
  'user.sessions.revoke',
  'sessions.revoke_all',
  'user.password.set',
  'user.password.change',
  'user.register',
  'auth.new_device.confirm',
  'auth.new_device.revoke',
  'user.email.verify_request',
  'user.email.verify',
  'user.email.change_request',
  'user.email.change',
  'user.password.forgot',
  'user.password.reset',
  'admin.recover',
  'keys.rotate',
] as const satisfies readonly AuditAction[];
