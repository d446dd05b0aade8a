/** The audit actions the jobs capability records (kernel/domain/audit-entry.ts, `AuditActions`). */
import type { AuditAction } from '../../kernel/domain/audit-entry.js';

declare module '../../kernel/domain/audit-entry.js' {
  interface AuditActions {
    /** A job was queued (its command, limits, file names and sizes and, as `environment`, the names of the secrets it receives; never a value). */
    'job.create': true;
    /** A worker took a queued job and started it in the sandbox. */
    'job.start': true;
    /** A job ended: succeeded, failed, cancelled or timed out (its status, exit code or signal). */
    'job.finish': true;
    /** A job's cancellation was asked (who asked is the entry's actor). */
    'job.cancel': true;
    /** A job whose instance died (or that could no longer start) was marked interrupted; it is never rerun. */
    'job.interrupt': true;
    /** Job output past the retention period was purged. */
    'jobs.logs.purge': true;
  }
}

/** The actions declared above, for the test that keeps every capability's list complete. */
export const JOBS_AUDIT_ACTIONS = [
  'job.create',
  'job.start',
  'job.finish',
  'job.cancel',
  'job.interrupt',
  'jobs.logs.purge',
] as const satisfies readonly AuditAction[];
