/**
 * What the federation capability keeps on people (issue 22 item 2): its retention rules — rows of
 * personal data that ended, deleted by the compliance capability's purge after the days their
 * variable sets — and its processing activities for the record of processing (GDPR Art. 30).
 */
import type { ProcessingActivity } from '../../kernel/part.js';

/** The processing activities of federation. */
export const FEDERATION_PROCESSING: readonly ProcessingActivity[] = [
  {
    name: 'Federated identities',
    purpose: "Sign users in through their organisation's identity provider",
    legalBasis: 'contract',
    subjects: 'users',
    fields: {
      external_identities: ['user_id', 'subject', 'email'],
    },
    retention: 'while linked; deleted with the account',
    recipients: ['the identity provider (it asserts them)'],
  },
];
