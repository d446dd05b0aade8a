/**
 * What the identity capability keeps on people (issue 22 item 2): its retention rules — rows of
 * personal data that ended, deleted by the compliance capability's purge after the days their
 * variable sets — and its processing activities for the record of processing (GDPR Art. 30).
 */
import type { ProcessingActivity, RetentionRule } from '../../kernel/part.js';

/** The retention rules of identity's personal data, in deletion order. */
export const IDENTITY_RETENTION: readonly RetentionRule[] = [
  {
    kind: 'ended_sessions',
    table: 'sessions',
    ended: ['revoked_at', 'expires_at'],
    variable: 'RAMPART_RETENTION_SESSIONS_DAYS',
    defaultDays: 30,
    description: 'ended sessions (revoked or expired) with their IP address, user agent and device name; their refresh tokens go with them',
  },
  {
    kind: 'spent_refresh_tokens',
    table: 'refresh_tokens',
    ended: ['spent_at', 'expires_at'],
    variable: 'RAMPART_RETENTION_TOKENS_DAYS',
    defaultDays: 7,
    description: 'spent or expired refresh tokens (hashes) of sessions still open',
  },
  {
    kind: 'password_tokens',
    table: 'password_tokens',
    ended: ['used_at', 'expires_at'],
    variable: 'RAMPART_RETENTION_TOKENS_DAYS',
    defaultDays: 7,
    description: 'used or expired set-password and reset tokens (hashes)',
  },
  {
    kind: 'email_tokens',
    table: 'email_tokens',
    ended: ['used_at', 'expires_at'],
    variable: 'RAMPART_RETENTION_TOKENS_DAYS',
    defaultDays: 7,
    description: 'used or expired email verification and address-change tokens (hashes, with the new address)',
  },
  {
    kind: 'mfa_challenges',
    table: 'mfa_challenges',
    ended: ['consumed_at', 'expires_at'],
    variable: 'RAMPART_RETENTION_TOKENS_DAYS',
    defaultDays: 7,
    description: 'used or expired second-factor challenges of a sign-in',
  },
  {
    kind: 'new_device_alerts',
    table: 'new_device_alerts',
    ended: ['resolved_at', 'expires_at'],
    variable: 'RAMPART_RETENTION_SECURITY_EVENTS_DAYS',
    defaultDays: 365,
    description: 'resolved or expired new-device alerts',
  },
  {
    kind: 'security_events',
    table: 'security_events',
    ended: ['created_at'],
    variable: 'RAMPART_RETENTION_SECURITY_EVENTS_DAYS',
    defaultDays: 365,
    description: 'security events shown to the user (sign-ins, changes) with their IP address and user agent',
  },
  {
    kind: 'known_devices',
    table: 'known_devices',
    ended: ['confirmed_at'],
    variable: 'RAMPART_RETENTION_DEVICES_DAYS',
    defaultDays: 400,
    description: 'devices a user confirmed as theirs (keyed digests)',
  },
];

/** The processing activities of identity. */
export const IDENTITY_PROCESSING: readonly ProcessingActivity[] = [
  {
    name: 'Accounts',
    purpose: 'Let people sign in and manage their account',
    legalBasis: 'contract',
    subjects: 'users',
    fields: {
      users: ['email', 'name', 'password_hash', 'status', 'email_verified_at'],
    },
    retention: 'while the account exists; erased with it (DELETE /api/v1/me, the admin)',
    recipients: ['none'],
  },
  {
    name: 'Sessions and tokens',
    purpose: 'Keep a signed-in user signed in, show them their sessions, and end them',
    legalBasis: 'contract',
    subjects: 'users',
    fields: {
      sessions: ['user_id', 'ip', 'user_agent', 'device_name', 'last_seen_at'],
      refresh_tokens: ['session_id'],
      password_tokens: ['user_id'],
      email_tokens: ['user_id', 'new_email'],
    },
    retention: ['ended_sessions', 'spent_refresh_tokens', 'password_tokens', 'email_tokens'],
    recipients: ['none'],
  },
  {
    name: 'Second factors',
    purpose: 'Protect accounts with a second factor (TOTP, recovery codes)',
    legalBasis: 'contract',
    subjects: 'users',
    fields: {
      mfa_totp: ['user_id'],
      recovery_codes: ['user_id'],
      mfa_challenges: ['user_id', 'device_name'],
    },
    retention: ['mfa_challenges'],
    recipients: ['none'],
  },
  {
    name: 'Security events and new-device alerts',
    purpose: 'Tell users about sign-ins and changes to their account, and alert them to a new device',
    legalBasis: 'legitimate_interests',
    subjects: 'users',
    fields: {
      security_events: ['user_id', 'ip', 'user_agent', 'details'],
      new_device_alerts: ['user_id', 'session_id'],
      known_devices: ['user_id', 'device_key'],
    },
    retention: ['security_events', 'new_device_alerts', 'known_devices'],
    recipients: ['the user, by mail (RAMPART_SMTP_URL)'],
  },
];
