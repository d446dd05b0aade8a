/**
 * Where jobs and their output are kept: a durable queue. Guarantees:
 * - every transition is one conditional statement on the job's current status (and, for a
 *   running job, its instance), so a job is started at most once and ends at most once; each
 *   returns whether it took effect;
 * - the event of a transition is written in its transaction (`appendEvent`);
 * - `claim` hands a queued job to exactly one caller across instances (PostgreSQL: `FOR UPDATE
 *   SKIP LOCKED`); `beforeStart` runs before the job is marked running (the audit entry), and a
 *   throw leaves the job queued;
 * - tenant reads and writes take a `TenantScope`; the worker's cross-org work has no scope.
 */
import type { DomainEvent } from '../../kernel/domain/events.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import type { JobInput, JobOutcome, JobRecord } from '../domain/job.js';

export interface JobLogChunk {
  readonly seq: number;
  readonly stream: 'stdout' | 'stderr';
  readonly data: Buffer;
}

/** A page of an org's jobs, newest first. */
export interface JobPage {
  readonly items: readonly JobRecord[];
  /** The `created_at`/`id` to continue before, when there may be more. */
  readonly next: { readonly createdAt: number; readonly id: string } | undefined;
}

export interface JobStore {
  insert(scope: TenantScope, job: JobRecord, input: JobInput, event: DomainEvent, now: number): Promise<void>;
  find(scope: TenantScope, id: string): Promise<JobRecord | undefined>;
  list(scope: TenantScope, limit: number, before: { readonly createdAt: number; readonly id: string } | undefined): Promise<JobPage>;
  /** Takes the oldest queued job this instance may start; `undefined` when there is none. */
  claim(
    instanceId: string,
    now: number,
    beforeStart: (job: JobRecord) => Promise<void>,
    event: (job: JobRecord) => DomainEvent,
  ): Promise<{ job: JobRecord; input: JobInput } | undefined>;
  /** Ends a job this instance runs; false when it is not (any more) running here. */
  finish(job: JobRecord, instanceId: string, outcome: JobOutcome, event: DomainEvent, now: number): Promise<boolean>;
  /** Cancels a queued job; false when it is no longer queued. */
  cancelQueued(scope: TenantScope, id: string, by: string, event: DomainEvent, now: number): Promise<boolean>;
  /** Asks the instance running a job to cancel it; false when it is not running. */
  requestCancel(scope: TenantScope, id: string, by: string, now: number): Promise<boolean>;
  /** Ids among `ids` (running here) whose cancellation was asked. */
  cancelRequested(ids: readonly string[]): Promise<string[]>;
  /** Running or queued jobs of other instances than `instanceId`: the candidates for `interrupt`. */
  othersJobs(instanceId: string): Promise<readonly JobRecord[]>;
  /** Marks a queued or running job interrupted (never rerun); false when it had ended or moved on. */
  interrupt(job: JobRecord, event: DomainEvent, now: number): Promise<boolean>;
  appendLogs(job: JobRecord, chunks: readonly { stream: 'stdout' | 'stderr'; data: Buffer }[], now: number): Promise<void>;
  logs(scope: TenantScope, id: string, afterSeq: number, limit: number): Promise<JobLogChunk[]>;
  /** Whether any output was written before `before`. */
  hasLogsBefore(before: number): Promise<boolean>;
  /** Deletes output written before `before`; how many chunks went. */
  purgeLogs(before: number): Promise<number>;
}
