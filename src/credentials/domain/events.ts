/**
 * The events the credentials capability emits into the outbox (kernel/events/event-outbox.ts),
 * each in the transaction of the change it tells: ids, names and scopes only, never a key, a
 * client secret or a hash of one. An API key's event belongs to the key's org; a key without an
 * org (a platform key) emits a deployment event (org `null`), which no org's endpoint receives.
 */
import type { EventType } from '../../kernel/domain/events.js';

declare module '../../kernel/domain/events.js' {
  interface EventTypes {
    /** An API key was created (or rotated in): `{api_key_id, owner_id, scopes, expires_at, replaces}`. */
    'api_key.created': true;
    /** An API key was revoked: `{api_key_id, owner_id}`. */
    'api_key.revoked': true;
    /** An OAuth service client was registered: `{client_id, name, auth_method, scopes}`. */
    'client.created': true;
    /** An OAuth service client was revoked: `{client_id}`. */
    'client.revoked': true;
  }
}

export const CREDENTIALS_EVENT_TYPES = [
  'api_key.created',
  'api_key.revoked',
  'client.created',
  'client.revoked',
] as const satisfies readonly EventType[];
