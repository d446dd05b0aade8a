/**
 * What the passkeys capability keeps on people (issue 22 item 2): its retention rules — rows of
 * personal data that ended, deleted by the compliance capability's purge after the days their
 * variable sets — and its processing activities for the record of processing (GDPR Art. 30).
 */
import type { ProcessingActivity, RetentionRule } from '../../kernel/part.js';

/** The retention rules of passkeys's personal data, in deletion order. */
export const PASSKEYS_RETENTION: readonly RetentionRule[] = [
  {
    kind: 'passkey_challenges',
    table: 'passkey_challenges',
    ended: ['used_at', 'expires_at'],
    variable: 'RAMPART_RETENTION_TOKENS_DAYS',
    defaultDays: 7,
    description: 'used or expired passkey ceremony challenges',
  },
];

/** The processing activities of passkeys. */
export const PASSKEYS_PROCESSING: readonly ProcessingActivity[] = [
  {
    name: 'Passkeys',
    purpose: 'Sign users in with a passkey (WebAuthn)',
    legalBasis: 'contract',
    subjects: 'users',
    fields: {
      passkeys: ['user_id', 'name', 'last_used_at'],
      passkey_challenges: ['user_id'],
    },
    retention: ['passkey_challenges'],
    recipients: ['none'],
  },
];
