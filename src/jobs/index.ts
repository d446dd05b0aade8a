/**
 * The jobs capability's public face (issue 14): untrusted commands of an org run in the
 * bubblewrap sandbox (no network, no host access, kernel-enforced limits) as a durable queue
 * shared by the instances, with files, org secrets as environment, live logs, verified runs and
 * cancel. The application and later capabilities use only what this file exports.
 */
import type { Capability } from '../kernel/part.js';
import { JOBS_PROCESSING, JOBS_RETENTION } from './domain/privacy.js';
import { composeJobsPart, type Jobs } from './compose.js';
import { JOBS_VARIABLES } from './config.js';
import { JOBS_EVENT_TYPES } from './domain/events.js';

// Re-exported so that the RampartConfig keys this module declares reach the library's type declarations.
export { JOBS_VARIABLES } from './config.js';
// Re-exported so that the AuditActions and EventTypes this module declares reach the library's type declarations.
export { JOBS_AUDIT_ACTIONS } from './domain/audit-actions.js';
export { JOBS_EVENT_TYPES } from './domain/events.js';
export { type Jobs } from './compose.js';
export { type JobRecord, type JobStatus } from './domain/job.js';
export { type Sandbox, type SandboxProfile, SandboxUnavailableError } from './ports/sandbox.js';

declare module '../kernel/part.js' {
  interface RampartOptions {
    /**
     * Whether this start runs queued jobs (its worker pool and the interruption of gone
     * instances' jobs); default true. A command-line start that composes Rampart for another
     * purpose passes false, so that it neither takes jobs nor judges the server's jobs.
     */
    readonly runJobs?: boolean;
  }
  interface Facades {
    jobs: Jobs;
  }
}

export const jobs: Capability<'jobs'> = {
  name: 'jobs',
  // Its personal data's retention and processing activities (issue 22 item 2; the compliance capability reads them).
  retention: JOBS_RETENTION,
  privacy: JOBS_PROCESSING,
  // Output chunks before the jobs they belong to (0017-jobs).
  tenantTables: ['job_logs', 'jobs'],
  eventTypes: JOBS_EVENT_TYPES,
  variables: JOBS_VARIABLES,
  doctor: async (config) => (await import('./sandbox/sandbox-doctor.js')).sandboxDoctorChecks(config),
  compose: (kernel, earlier) => composeJobsPart(kernel, earlier),
};
