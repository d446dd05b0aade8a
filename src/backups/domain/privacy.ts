/**
 * What the backups capability keeps on people (issue 22 item 2): its retention rules — rows of
 * personal data that ended, deleted by the compliance capability's purge after the days their
 * variable sets — and its processing activities for the record of processing (GDPR Art. 30).
 */
import type { ProcessingActivity } from '../../kernel/part.js';

/** The processing activities of backups. */
export const BACKUPS_PROCESSING: readonly ProcessingActivity[] = [
  {
    name: 'Restore drill canary',
    purpose: 'Prove a restored backup can sign in, with an account of its own that no person uses',
    legalBasis: 'legitimate_interests',
    subjects: 'none (a machine account)',
    fields: {
      backup_canary: ['user_id', 'email'],
    },
    retention: 'while backups are taken',
    recipients: ['none'],
  },
];
