/**
 * The events the secrets capability emits into the outbox (kernel/events/event-outbox.ts), in
 * the tenant transaction of the change: a secret's name and version only, never its value, its
 * ciphertext or the data key that seals it.
 */
import type { EventType } from '../../kernel/domain/events.js';

declare module '../../kernel/domain/events.js' {
  interface EventTypes {
    /** A new version of a secret was written: `{name, version}`. */
    'secret.written': true;
    /** A secret and all its versions were deleted: `{name}`. */
    'secret.deleted': true;
  }
}

export const SECRETS_EVENT_TYPES = ['secret.written', 'secret.deleted'] as const satisfies readonly EventType[];
