/**
 * What the jobs capability keeps on people (issue 22 item 2): its retention rules — rows of
 * personal data that ended, deleted by the compliance capability's purge after the days their
 * variable sets — and its processing activities for the record of processing (GDPR Art. 30).
 */
import type { ProcessingActivity, RetentionRule } from '../../kernel/part.js';

/** The retention rules of jobs's personal data, in deletion order. */
export const JOBS_RETENTION: readonly RetentionRule[] = [
  {
    kind: 'job_logs',
    table: 'job_logs',
    ended: ['created_at'],
    variable: 'RAMPART_RETENTION_JOB_LOGS_DAYS',
    defaultDays: 30,
    description: "jobs' output (may hold whatever the job printed)",
  },
];

/** The processing activities of jobs. */
export const JOBS_PROCESSING: readonly ProcessingActivity[] = [
  {
    name: 'Jobs',
    purpose: 'Run the jobs an org asks for and show their output',
    legalBasis: 'contract',
    subjects: 'members who run jobs',
    fields: {
      jobs: ['created_by', 'cancelled_by'],
      job_logs: ['data'],
    },
    retention: ['job_logs'],
    recipients: ['none'],
  },
];
