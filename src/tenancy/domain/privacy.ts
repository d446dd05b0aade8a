/**
 * What the tenancy capability keeps on people (issue 22 item 2): its retention rules — rows of
 * personal data that ended, deleted by the compliance capability's purge after the days their
 * variable sets — and its processing activities for the record of processing (GDPR Art. 30).
 */
import type { ProcessingActivity, RetentionRule } from '../../kernel/part.js';

/** The retention rules of tenancy's personal data, in deletion order. */
export const TENANCY_RETENTION: readonly RetentionRule[] = [
  {
    kind: 'expired_invitations',
    table: 'org_invitations',
    ended: ['expires_at'],
    variable: 'RAMPART_RETENTION_INVITATIONS_DAYS',
    defaultDays: 30,
    description: 'expired org invitations with the invited address',
  },
];

/** The processing activities of tenancy. */
export const TENANCY_PROCESSING: readonly ProcessingActivity[] = [
  {
    name: 'Organisations and membership',
    purpose: 'Give members access to their organisations, with a role',
    legalBasis: 'contract',
    subjects: 'members and invited people',
    fields: {
      memberships: ['user_id', 'role'],
      org_invitations: ['email', 'invited_by'],
      org_role_versions: ['actor_id'],
    },
    retention: ['expired_invitations'],
    recipients: ['the invited person, by mail'],
  },
];
