/**
 * The audit entries and outbox events of the jobs' transitions: resource `job:<id>`, ids,
 * statuses and codes only — never output, a file's bytes or a secret value (secret NAMES are
 * recorded at creation: they are what the creator asked for).
 */
import type { AuditAction } from '../../kernel/domain/audit-entry.js';
import type { DomainEvent } from '../../kernel/domain/events.js';
import type { RequestContext } from '../../kernel/domain/request-context.js';
import type { AuditActor, AuditEvent } from '../../kernel/ports/audit-log.js';
import type { JobOutcome, JobRecord } from '../domain/job.js';

export const SYSTEM_ACTOR: AuditActor = { type: 'system', id: null };

export function jobAuditEvent(
  job: Pick<JobRecord, 'id' | 'orgId'>,
  action: AuditAction,
  actor: AuditActor,
  context: RequestContext | undefined,
  details: Readonly<Record<string, unknown>> = {},
): AuditEvent {
  return {
    org: job.orgId,
    actor,
    action,
    resource: `job:${job.id}`,
    result: 'success',
    sourceIp: context?.ip ?? null,
    requestId: context?.requestId ?? null,
    ...(context?.userAgent === undefined ? {} : { userAgent: context.userAgent }),
    details,
  };
}

export function outcomeDetails(outcome: JobOutcome): Record<string, unknown> {
  return {
    status: outcome.status,
    exit_code: outcome.exitCode,
    signal: outcome.signal,
    failure: outcome.failure,
    output_truncated: outcome.outputTruncated,
  };
}

export function finishedEvent(job: JobRecord, outcome: JobOutcome): DomainEvent {
  return {
    type: 'job.finished',
    orgId: job.orgId,
    data: { job_id: job.id, status: outcome.status, exit_code: outcome.exitCode, signal: outcome.signal, failure: outcome.failure },
  };
}
