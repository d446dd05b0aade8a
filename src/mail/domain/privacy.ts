/**
 * What the mail capability keeps on people (issue 22 item 2): its retention rules — rows of
 * personal data that ended, deleted by the compliance capability's purge after the days their
 * variable sets — and its processing activities for the record of processing (GDPR Art. 30).
 */
import type { ProcessingActivity, RetentionRule } from '../../kernel/part.js';

/** The retention rules of mail's personal data, in deletion order. */
export const MAIL_RETENTION: readonly RetentionRule[] = [
  {
    kind: 'sent_mail',
    table: 'mail_outbox',
    ended: ['updated_at'],
    only: {
      column: 'status',
      values: ['sent', 'dead'],
    },
    variable: 'RAMPART_RETENTION_MAIL_DAYS',
    defaultDays: 7,
    description: 'sent or abandoned mail outbox rows (the message itself is dropped once sent)',
  },
];

/** The processing activities of mail. */
export const MAIL_PROCESSING: readonly ProcessingActivity[] = [
  {
    name: 'Mail',
    purpose: 'Send users and invited people the mail their account needs (verification, reset, alerts, invitations)',
    legalBasis: 'contract',
    subjects: 'users and invited people',
    fields: {
      mail_outbox: ['sealed'],
    },
    retention: ['sent_mail'],
    recipients: ['the configured SMTP relay (RAMPART_SMTP_URL)'],
  },
];
