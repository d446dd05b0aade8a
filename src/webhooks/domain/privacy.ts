/**
 * What the webhooks capability keeps on people (issue 22 item 2): its retention rules — rows of
 * personal data that ended, deleted by the compliance capability's purge after the days their
 * variable sets — and its processing activities for the record of processing (GDPR Art. 30).
 */
import type { ProcessingActivity, RetentionRule } from '../../kernel/part.js';

/** The retention rules of webhooks's personal data, in deletion order. */
export const WEBHOOKS_RETENTION: readonly RetentionRule[] = [
  {
    kind: 'webhook_deliveries',
    table: 'webhook_deliveries',
    ended: ['updated_at'],
    only: {
      column: 'status',
      values: ['delivered', 'failed'],
    },
    variable: 'RAMPART_RETENTION_WEBHOOKS_DAYS',
    defaultDays: 30,
    description: 'finished webhook deliveries (delivered or failed) with their attempt logs',
  },
  {
    kind: 'webhook_inbox',
    table: 'webhook_inbox',
    ended: ['processed_at'],
    variable: 'RAMPART_RETENTION_WEBHOOKS_DAYS',
    defaultDays: 30,
    description: 'processed inbound webhooks with their bodies',
  },
];

/** The processing activities of webhooks. */
export const WEBHOOKS_PROCESSING: readonly ProcessingActivity[] = [
  {
    name: 'Webhooks',
    purpose: "Tell an org's systems what happened (ids and metadata), and receive their events",
    legalBasis: 'contract',
    subjects: 'members (ids in events)',
    fields: {
      webhook_deliveries: ['payload', 'attempt_log'],
      webhook_inbox: ['body'],
    },
    retention: ['webhook_deliveries', 'webhook_inbox'],
    recipients: ["the org's webhook endpoints"],
  },
];
