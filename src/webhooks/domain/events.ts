/** The events the webhooks capability emits (kernel/domain/events.ts, `EventTypes`). */
import type { EventType } from '../../kernel/domain/events.js';

declare module '../../kernel/domain/events.js' {
  interface EventTypes {
    /** An endpoint failing for longer than RAMPART_WEBHOOK_DISABLE_AFTER was disabled: `{endpoint_id, failing_since}`. */
    'webhook.endpoint_disabled': true;
  }
}

export const WEBHOOKS_EVENT_TYPES = ['webhook.endpoint_disabled'] as const satisfies readonly EventType[];
