/**
 * What the credentials capability keeps on people (issue 22 item 2): its retention rules — rows of
 * personal data that ended, deleted by the compliance capability's purge after the days their
 * variable sets — and its processing activities for the record of processing (GDPR Art. 30).
 */
import type { ProcessingActivity } from '../../kernel/part.js';

/** The processing activities of credentials. */
export const CREDENTIALS_PROCESSING: readonly ProcessingActivity[] = [
  {
    name: 'API keys and service clients',
    purpose: 'Let users and services call the API with their own credentials',
    legalBasis: 'contract',
    subjects: 'users',
    fields: {
      api_keys: ['user_id', 'name', 'last_used_at'],
      service_clients: ['created_by'],
    },
    retention: 'until revoked; deleted with the user or the org',
    recipients: ['none'],
  },
];
