/**
 * The events the audit capability emits into the outbox (kernel/events/event-outbox.ts): a newly
 * signed checkpoint of the audit log, in the transaction that stores it. It is a deployment event
 * (org `null`): the log is deployment-wide.
 */
import type { EventType } from '../../kernel/domain/events.js';

declare module '../../kernel/domain/events.js' {
  interface EventTypes {
    /** A checkpoint over a larger tree was signed and stored: `{tree_size}`. */
    'audit.checkpoint': true;
  }
}

export const AUDIT_EVENT_TYPES = ['audit.checkpoint'] as const satisfies readonly EventType[];
