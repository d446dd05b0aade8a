/**
 * What the licences capability keeps on people (issue 22 item 2): its retention rules — rows of
 * personal data that ended, deleted by the compliance capability's purge after the days their
 * variable sets — and its processing activities for the record of processing (GDPR Art. 30).
 */
import type { ProcessingActivity } from '../../kernel/part.js';

/** The processing activities of licences. */
export const LICENCES_PROCESSING: readonly ProcessingActivity[] = [
  {
    name: 'Licences',
    purpose: 'Issue and revoke the licences of an org',
    legalBasis: 'contract',
    subjects: 'members who manage licences',
    fields: {
      licences: ['created_by', 'revoked_by'],
    },
    retention: 'kept with the org (deleted with it)',
    recipients: ['none'],
  },
];
