/**
 * The events the jobs capability emits into the outbox (kernel/events/event-outbox.ts), each in
 * the transaction of the transition it tells: ids, statuses and codes only, never output or a
 * secret.
 */
import type { EventType } from '../../kernel/domain/events.js';

declare module '../../kernel/domain/events.js' {
  interface EventTypes {
    /** A job was queued: `{job_id, created_by}`. */
    'job.created': true;
    /** A job started on an instance: `{job_id}`. */
    'job.started': true;
    /** A job ended: `{job_id, status, exit_code, signal, failure}`. */
    'job.finished': true;
  }
}

export const JOBS_EVENT_TYPES = ['job.created', 'job.started', 'job.finished'] as const satisfies readonly EventType[];
