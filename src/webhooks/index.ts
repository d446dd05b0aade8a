/**
 * The webhooks capability's public face (issue 15): outbound webhooks — an org's endpoints, the
 * event catalogue they subscribe to (every capability's `eventTypes`), and the deliveries the
 * outbox consumer and workers make of Rampart's events, signed per Standard Webhooks. Later
 * capabilities and the application use only what this file exports.
 */
import type { Capability } from '../kernel/part.js';
import { WEBHOOKS_PROCESSING, WEBHOOKS_RETENTION } from './domain/privacy.js';
import { composeWebhooksPart, type Webhooks, type WebhooksOptions } from './compose.js';
import { WEBHOOKS_VARIABLES } from './config.js';
import { WEBHOOKS_EVENT_TYPES } from './domain/events.js';
import { INBOUND_TENANT_TABLES } from './inbound/compose.js';
import { INBOUND_VARIABLES } from './inbound/config.js';

// Re-exported so that the RampartConfig keys this module declares reach the library's type declarations.
export { WEBHOOKS_VARIABLES } from './config.js';
export { type Webhooks, type WebhooksOptions } from './compose.js';
export { DEFAULT_RETRY_SCHEDULE } from './domain/retry-schedule.js';

// Re-exported so that the AuditActions, EventTypes and RampartConfig keys this module declares reach the library's type declarations.
export { WEBHOOKS_AUDIT_ACTIONS } from './domain/audit-actions.js';
export { WEBHOOKS_EVENT_TYPES } from './domain/events.js';
export { INBOUND_VARIABLES } from './inbound/config.js';
export type { InboundEvent, InboundHandler, InboundHooks } from './inbound/compose.js';

declare module '../kernel/part.js' {
  interface Facades {
    webhooks: Webhooks;
  }
  interface RampartOptions {
    /** The webhooks capability's options (a resolver for the SSRF guard, a manually driven worker). */
    readonly webhooks?: WebhooksOptions;
  }
}

export const webhooks: Capability<'webhooks'> = {
  name: 'webhooks',
  // Its personal data's retention and processing activities (issue 22 item 2; the compliance capability reads them).
  retention: WEBHOOKS_RETENTION,
  privacy: WEBHOOKS_PROCESSING,
  // Deliveries (with their attempt logs) before their endpoints; then the inbound side's.
  tenantTables: ['webhook_deliveries', 'webhook_endpoints', ...INBOUND_TENANT_TABLES],
  eventTypes: WEBHOOKS_EVENT_TYPES,
  variables: [...WEBHOOKS_VARIABLES, ...INBOUND_VARIABLES],
  compose: (kernel, earlier) => composeWebhooksPart(kernel, earlier),
};
