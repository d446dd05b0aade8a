/**
 * The events the licences capability appends to the outbox (kernel/events/event-outbox.ts), each
 * in the transaction of its change. Their data is ids and metadata: never a licence key, its hash,
 * or an activation token.
 */
import type { EventType } from '../../kernel/domain/events.js';

declare module '../../kernel/domain/events.js' {
  interface EventTypes {
    /** `{licence_id, product, max_activations}`: a licence was issued. */
    'licence.issued': true;
    /** `{licence_id, activation_id, installation_id}`: an installation activated a licence. */
    'licence.activated': true;
    /** `{licence_id}`: a licence was revoked. */
    'licence.revoked': true;
    /** `{licence_id, activation_id, installation_id}`: an installation gave its activation back. */
    'licence.deactivated': true;
  }
}

export const LICENCES_EVENT_TYPES = [
  'licence.issued',
  'licence.activated',
  'licence.revoked',
  'licence.deactivated',
] as const satisfies readonly EventType[];
