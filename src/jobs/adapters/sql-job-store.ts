/**
 * The job store on SQL (SQLite and PostgreSQL; see ports/job-store.ts for the guarantees).
 *
 * `claim` on PostgreSQL locks the oldest startable queued row with `FOR UPDATE SKIP LOCKED`, so
 * instances sharing the queue never wait on nor take the same job, runs `beforeStart` (the audit
 * entry, written through its own connection) while holding the lock, and marks it running in the
 * same transaction. SQLite has one writer and one instance: the candidate is read, `beforeStart`
 * runs outside any transaction (the audit log writes through the same single connection), and the
 * update is conditional on the row still being queued.
 *
 * The worker's work crosses orgs by design (one queue for the deployment): it runs in system
 * transactions (`withSystem`), and every statement still names the job's id and org.
 */
import type { Selectable } from 'kysely';
import { appendEvent } from '../../kernel/events/event-outbox.js';
import type { DomainEvent } from '../../kernel/domain/events.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import { withSystem, withTenant, type TenantTransaction } from '../../kernel/adapters/sql/rls-scope.js';
import type { SqlDialectName } from '../../kernel/adapters/sql/sql-database.js';
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import type { JobActor, JobFailure, JobInput, JobLimits, JobOutcome, JobRecord, JobStatus } from '../domain/job.js';
import type { JobLogChunk, JobPage, JobStore } from '../ports/job-store.js';
import type { JobTable } from './job-tables.js';

type JobRow = Selectable<JobTable>;

const SELECT_FIELDS = [
  'id',
  'org_id',
  'created_by',
  'creator',
  'status',
  'command',
  'limits',
  'secret_names',
  'files',
  'verify',
  'exit_code',
  'signal',
  'failure',
  'diff',
  'output_truncated',
  'usage',
  'instance_id',
  'pinned_instance',
  'cancelled_by',
  'cancel_requested_at',
  'created_at',
  'started_at',
  'finished_at',
] as const;

type JobFields = Omit<JobRow, 'input'>;

function parse<T>(text: string): T {
  return JSON.parse(text) as T;
}

function recordOf(row: JobFields): JobRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    createdBy: parse<JobActor>(row.creator),
    status: row.status as JobStatus,
    command: parse<string[]>(row.command),
    limits: parse<JobLimits>(row.limits),
    secretNames: parse<string[]>(row.secret_names),
    files: parse<{ path: string; size: number }[]>(row.files),
    verify: row.verify === null ? undefined : parse<{ reference: string[]; inputs: number }>(row.verify),
    exitCode: row.exit_code === null ? null : Number(row.exit_code),
    signal: row.signal,
    failure: row.failure as JobFailure | null,
    diff: row.diff,
    outputTruncated: Number(row.output_truncated) === 1,
    usage: row.usage === null ? null : parse(row.usage),
    instanceId: row.instance_id,
    pinnedInstance: row.pinned_instance,
    cancelledBy: row.cancelled_by,
    cancelRequestedAt: row.cancel_requested_at === null ? null : Number(row.cancel_requested_at),
    createdAt: Number(row.created_at),
    startedAt: row.started_at === null ? null : Number(row.started_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
  };
}

interface StoredInput {
  readonly files: Record<string, string>;
  readonly verify_inputs: string[];
}

function inputText(input: JobInput): string {
  const stored: StoredInput = {
    files: Object.fromEntries([...input.files].map(([path, bytes]) => [path, bytes.toString('base64')])),
    verify_inputs: input.verifyInputs.map((bytes) => bytes.toString('base64')),
  };
  return JSON.stringify(stored);
}

function inputOf(text: string | null): JobInput {
  const stored: StoredInput = text === null ? { files: {}, verify_inputs: [] } : parse<StoredInput>(text);
  return {
    files: new Map(Object.entries(stored.files).map(([path, b64]) => [path, Buffer.from(b64, 'base64')])),
    verifyInputs: stored.verify_inputs.map((b64) => Buffer.from(b64, 'base64')),
  };
}

export class SqlJobStore implements JobStore {
  readonly #db: RampartKysely;
  readonly #dialect: SqlDialectName;

  constructor(db: RampartKysely, dialect: SqlDialectName) {
    this.#db = db;
    this.#dialect = dialect;
  }

  async insert(scope: TenantScope, job: JobRecord, input: JobInput, event: DomainEvent, now: number): Promise<void> {
    await withTenant(this.#db, this.#dialect, scope, async (trx) => {
      await trx
        .insertInto('jobs')
        .values({
          id: job.id,
          org_id: scope.orgId,
          created_by: job.createdBy.id,
          creator: JSON.stringify(job.createdBy),
          status: job.status,
          command: JSON.stringify(job.command),
          limits: JSON.stringify(job.limits),
          secret_names: JSON.stringify(job.secretNames),
          files: JSON.stringify(job.files),
          verify: job.verify === undefined ? null : JSON.stringify(job.verify),
          input: inputText(input),
          output_truncated: 0,
          pinned_instance: job.pinnedInstance,
          created_at: job.createdAt,
        })
        .execute();
      await appendEvent(trx, event, now);
    });
  }

  async find(scope: TenantScope, id: string): Promise<JobRecord | undefined> {
    const row = await withTenant(this.#db, this.#dialect, scope, (trx) =>
      trx.selectFrom('jobs').select(SELECT_FIELDS).where('org_id', '=', scope.orgId).where('id', '=', id).executeTakeFirst(),
    );
    return row === undefined ? undefined : recordOf(row);
  }

  async list(scope: TenantScope, limit: number, before: { createdAt: number; id: string } | undefined): Promise<JobPage> {
    const rows = await withTenant(this.#db, this.#dialect, scope, (trx) => {
      let query = trx.selectFrom('jobs').select(SELECT_FIELDS).where('org_id', '=', scope.orgId);
      if (before !== undefined) {
        query = query.where((eb) =>
          eb.or([eb('created_at', '<', before.createdAt), eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)])]),
        );
      }
      return query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
    });
    const items = rows.slice(0, limit).map(recordOf);
    const last = items[items.length - 1];
    return { items, next: rows.length > limit && last !== undefined ? { createdAt: last.createdAt, id: last.id } : undefined };
  }

  async claim(
    instanceId: string,
    now: number,
    beforeStart: (job: JobRecord) => Promise<void>,
    event: (job: JobRecord) => DomainEvent,
  ): Promise<{ job: JobRecord; input: JobInput } | undefined> {
    if (this.#dialect === 'postgres') {
      // The queue is the deployment's: a system transaction (every org's queued jobs are candidates).
      return withSystem(this.#db, async (trx) => {
        const row = await this.#candidate(trx, instanceId, true);
        if (row === undefined) return undefined;
        await beforeStart(recordOf(row));
        return this.#start(trx, row, instanceId, now, event);
      });
    }
    const row = await withSystem(this.#db, (trx) => this.#candidate(trx, instanceId, false));
    if (row === undefined) return undefined;
    await beforeStart(recordOf(row));
    return withSystem(this.#db, (trx) => this.#start(trx, row, instanceId, now, event));
  }

  #candidate(trx: TenantTransaction, instanceId: string, lock: boolean): Promise<JobRow | undefined> {
    const query = trx
      .selectFrom('jobs')
      .selectAll()
      .where('status', '=', 'queued')
      .where((eb) => eb.or([eb('pinned_instance', 'is', null), eb('pinned_instance', '=', instanceId)]))
      .orderBy('created_at')
      .orderBy('id')
      .limit(1);
    return (lock ? query.forUpdate().skipLocked() : query).executeTakeFirst();
  }

  async #start(
    trx: TenantTransaction,
    row: JobRow,
    instanceId: string,
    now: number,
    event: (job: JobRecord) => DomainEvent,
  ): Promise<{ job: JobRecord; input: JobInput } | undefined> {
    const updated = await trx
      .updateTable('jobs')
      .set({ status: 'running', instance_id: instanceId, started_at: now })
      .where('id', '=', row.id)
      .where('status', '=', 'queued')
      .returning(SELECT_FIELDS)
      .executeTakeFirst();
    if (updated === undefined) return undefined;
    const job = recordOf(updated);
    await appendEvent(trx, event(job), now);
    return { job, input: inputOf(row.input) };
  }

  async finish(job: JobRecord, instanceId: string, outcome: JobOutcome, event: DomainEvent, now: number): Promise<boolean> {
    // The worker ends a job of any org it runs: a system transaction, keyed by the job's id and org.
    return withSystem(this.#db, async (trx) => {
      const result = await trx
        .updateTable('jobs')
        .set({
          status: outcome.status,
          exit_code: outcome.exitCode,
          signal: outcome.signal,
          failure: outcome.failure,
          diff: outcome.diff,
          output_truncated: outcome.outputTruncated ? 1 : 0,
          usage: outcome.usage === null ? null : JSON.stringify(outcome.usage),
          input: null,
          finished_at: now,
        })
        .where('id', '=', job.id)
        .where('org_id', '=', job.orgId)
        .where('status', '=', 'running')
        .where('instance_id', '=', instanceId)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      await appendEvent(trx, event, now);
      return true;
    });
  }

  async cancelQueued(scope: TenantScope, id: string, by: string, event: DomainEvent, now: number): Promise<boolean> {
    return withTenant(this.#db, this.#dialect, scope, async (trx) => {
      const result = await trx
        .updateTable('jobs')
        .set({ status: 'cancelled', cancelled_by: by, cancel_requested_at: now, finished_at: now, input: null })
        .where('org_id', '=', scope.orgId)
        .where('id', '=', id)
        .where('status', '=', 'queued')
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      await appendEvent(trx, event, now);
      return true;
    });
  }

  async requestCancel(scope: TenantScope, id: string, by: string, now: number): Promise<boolean> {
    const result = await withTenant(this.#db, this.#dialect, scope, (trx) =>
      trx
        .updateTable('jobs')
        .set({ cancelled_by: by, cancel_requested_at: now })
        .where('org_id', '=', scope.orgId)
        .where('id', '=', id)
        .where('status', '=', 'running')
        .where('cancel_requested_at', 'is', null)
        .executeTakeFirst(),
    );
    return Number(result.numUpdatedRows) === 1;
  }

  async cancelRequested(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    // The instance's own running jobs, of any org: a system read.
    const rows = await withSystem(this.#db, (trx) =>
      trx
        .selectFrom('jobs')
        .select('id')
        .where('id', 'in', [...ids])
        .where('cancel_requested_at', 'is not', null)
        .execute(),
    );
    return rows.map((row) => row.id);
  }

  async othersJobs(instanceId: string): Promise<readonly JobRecord[]> {
    // Liveness of the whole deployment's queue: a system read.
    const rows = await withSystem(this.#db, (trx) =>
      trx
        .selectFrom('jobs')
        .select(SELECT_FIELDS)
        .where((eb) =>
          eb.or([
            eb.and([eb('status', '=', 'running'), eb('instance_id', '!=', instanceId)]),
            eb.and([eb('status', '=', 'queued'), eb('pinned_instance', 'is not', null), eb('pinned_instance', '!=', instanceId)]),
          ]),
        )
        .execute(),
    );
    return rows.map(recordOf);
  }

  async interrupt(job: JobRecord, event: DomainEvent, now: number): Promise<boolean> {
    // A dead instance's job, of any org: a system transaction, conditional on what was seen.
    return withSystem(this.#db, async (trx) => {
      let query = trx
        .updateTable('jobs')
        .set({ status: 'interrupted', finished_at: now, input: null })
        .where('id', '=', job.id)
        .where('org_id', '=', job.orgId)
        .where('status', '=', job.status);
      if (job.status === 'running' && job.instanceId !== null) query = query.where('instance_id', '=', job.instanceId);
      const result = await query.executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      await appendEvent(trx, event, now);
      return true;
    });
  }

  async appendLogs(job: JobRecord, chunks: readonly { stream: 'stdout' | 'stderr'; data: Buffer }[], now: number): Promise<void> {
    if (chunks.length === 0) return;
    // The worker writes the output of the job it runs, of any org: a system transaction.
    await withSystem(this.#db, (trx) =>
      trx
        .insertInto('job_logs')
        .values(chunks.map((chunk) => ({ job_id: job.id, org_id: job.orgId, stream: chunk.stream, data: chunk.data, created_at: now })))
        .execute(),
    );
  }

  async logs(scope: TenantScope, id: string, afterSeq: number, limit: number): Promise<JobLogChunk[]> {
    const rows = await withTenant(this.#db, this.#dialect, scope, (trx) =>
      trx
        .selectFrom('job_logs')
        .select(['seq', 'stream', 'data'])
        .where('org_id', '=', scope.orgId)
        .where('job_id', '=', id)
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(limit)
        .execute(),
    );
    return rows.map((row) => ({
      seq: Number(row.seq),
      stream: row.stream === 'stderr' ? 'stderr' : 'stdout',
      data: Buffer.from(row.data),
    }));
  }

  async hasLogsBefore(before: number): Promise<boolean> {
    // Retention is deployment-wide: a system read.
    const row = await withSystem(this.#db, (trx) =>
      trx.selectFrom('job_logs').select('seq').where('created_at', '<', before).limit(1).executeTakeFirst(),
    );
    return row !== undefined;
  }

  async purgeLogs(before: number): Promise<number> {
    // Retention is deployment-wide: a system transaction.
    const result = await withSystem(this.#db, (trx) => trx.deleteFrom('job_logs').where('created_at', '<', before).executeTakeFirst());
    return Number(result.numDeletedRows);
  }
}
