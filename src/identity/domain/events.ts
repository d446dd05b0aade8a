/**
 * The events the identity capability emits into the outbox (kernel/events/event-outbox.ts), in
 * the transaction of the change: a user's id only, never an email, a name or a password hash.
 * Users are deployment-wide, not one org's, so these are deployment events (org `null`): they are
 * stored, and no org's endpoint receives them.
 */
import type { EventType } from '../../kernel/domain/events.js';

declare module '../../kernel/domain/events.js' {
  interface EventTypes {
    /** A user account was created: `{user_id}`. */
    'user.created': true;
    /** A user account was erased: `{user_id}`. */
    'user.deleted': true;
    /**
     * An alert rule of the audit log fired on an event of this org (identity/security/services/alert-notifier.ts):
     * `{rule, event, resource, request_id, at}`. The one identity event that belongs to an org.
     */
    'security.alert': true;
  }
}

export const IDENTITY_EVENT_TYPES = ['user.created', 'user.deleted', 'security.alert'] as const satisfies readonly EventType[];
