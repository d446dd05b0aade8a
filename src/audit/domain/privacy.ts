/**
 * What the audit capability keeps on people (issue 22 item 2): its retention rules — rows of
 * personal data that ended, deleted by the compliance capability's purge after the days their
 * variable sets — and its processing activities for the record of processing (GDPR Art. 30).
 */
import type { ProcessingActivity, RetentionRule } from '../../kernel/part.js';

/** The retention rules of audit's personal data, in deletion order. */
export const AUDIT_RETENTION: readonly RetentionRule[] = [
  {
    kind: 'audit_payloads',
    table: 'audit_entries',
    ended: ['timestamp'],
    variable: 'RAMPART_AUDIT_RETENTION_DAYS',
    description: "audit entries' payloads (actor, IP address, user agent, details); their leaf hashes stay, so proofs still verify",
  },
  {
    kind: 'audit_known_devices',
    table: 'audit_known_devices',
    ended: ['first_seen'],
    variable: 'RAMPART_RETENTION_DEVICES_DAYS',
    defaultDays: 400,
    description: "the audit log's device fingerprints of users (keyed digests)",
  },
];

/** The processing activities of audit. */
export const AUDIT_PROCESSING: readonly ProcessingActivity[] = [
  {
    name: 'Audit log',
    purpose: 'Record every authentication, authorization failure and change, tamper-evidently, for security and accountability',
    legalBasis: 'legitimate_interests',
    subjects: 'users and callers of the API',
    fields: {
      audit_entries: ['actor_id', 'subject', 'source_ip', 'user_agent', 'details'],
      audit_pending: ['actor_id', 'subject', 'source_ip', 'user_agent', 'details'],
      audit_known_devices: ['subject', 'fingerprint'],
      audit_subject_keys: ['subject'],
    },
    retention: ['audit_payloads', 'audit_known_devices'],
    recipients: ['the configured SIEM (RAMPART_AUDIT_SIEM_URL)', 'the configured checkpoint witness (tree heads only)'],
  },
];
