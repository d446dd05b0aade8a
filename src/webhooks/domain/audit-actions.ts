/** The audit actions the webhooks capability records (kernel/domain/audit-entry.ts, `AuditActions`). */
import type { AuditAction } from '../../kernel/domain/audit-entry.js';

declare module '../../kernel/domain/audit-entry.js' {
  interface AuditActions {
    /** A webhook endpoint was created (its signing secret is a secret of the org, written beside it). */
    'webhook.create': true;
    /** A webhook endpoint's URL, events, description or enabled state changed. */
    'webhook.update': true;
    /** A webhook endpoint was deleted, with its deliveries and signing secret. */
    'webhook.delete': true;
    /** A webhook endpoint's signing secret was rotated (the previous one signs beside it for the overlap). */
    'webhook.rotate_secret': true;
    /** A manager asked for a delivery to be tried again. */
    'webhook.delivery_retry': true;
    /** An endpoint failing for longer than RAMPART_WEBHOOK_DISABLE_AFTER was disabled by Rampart (an alert). */
    'webhook.endpoint_disabled': true;
    /** Inbound: an org's hook source was created or changed (scheme, tolerance, or its signing secret: the old one is accepted for the overlap). */
    'webhook.source_put': true;
    /** Inbound: an org's hook source was deleted (its inbox rows stay until processed or the org goes). */
    'webhook.source_delete': true;
    /** Inbound: a verified event was stored in the inbox; a replayed event id is this action's `not_applied:duplicate` failure. */
    'webhook.inbound_accepted': true;
    /** Inbound: a request was refused: bad or missing signature, or a timestamp outside the tolerance (aggregated per source). */
    'webhook.inbound_refused': true;
  }
}

/** The actions declared above, for the test that keeps every capability's list complete. */
export const WEBHOOKS_AUDIT_ACTIONS = [
  'webhook.create',
  'webhook.update',
  'webhook.delete',
  'webhook.rotate_secret',
  'webhook.delivery_retry',
  'webhook.endpoint_disabled',
  'webhook.source_put',
  'webhook.source_delete',
  'webhook.inbound_accepted',
  'webhook.inbound_refused',
] as const satisfies readonly AuditAction[];
