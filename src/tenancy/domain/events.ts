/** The events the tenancy capability emits (kernel/domain/events.ts, `EventTypes`): ids and roles only, never an email. */
import type { EventType } from '../../kernel/domain/events.js';

declare module '../../kernel/domain/events.js' {
  interface EventTypes {
    /** A user became a member: `{user_id, role}`. */
    'member.added': true;
    /** A member left or was removed: `{user_id}`. */
    'member.removed': true;
    /** A member's role changed: `{user_id, role}`. */
    'member.role_changed': true;
    /** A custom role was created or changed: `{role, version}`. */
    'role.updated': true;
    /** An invitation was made: `{invitation_id, role, expires_at}` (never the invitee's email). */
    'invitation.created': true;
    /** An invitation was accepted: `{invitation_id, user_id, role}`. */
    'invitation.accepted': true;
    /** An invitation was declined or revoked: `{invitation_id}`. */
    'invitation.closed': true;
  }
}

export const TENANCY_EVENT_TYPES = [
  'member.added',
  'member.removed',
  'member.role_changed',
  'role.updated',
  'invitation.created',
  'invitation.accepted',
  'invitation.closed',
] as const satisfies readonly EventType[];
