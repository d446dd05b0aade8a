/**
 * The worker pool (issue 14, items 5, 7 and 8): takes queued jobs from the durable queue and runs
 * them in the sandbox, at most `workers` at once on this instance.
 *
 * - Claiming: `JobStore.claim` (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so instances share the
 *   queue and a job starts once); the `job.start` entry is recorded before the job is marked
 *   running. The pool looks for work when a job is created here and every {@link POLL_MS} (jobs
 *   created on other instances).
 * - Running: the job's secrets are re-checked and revealed (job-secrets.ts), output is written as
 *   it comes (log-writer.ts), and a verified run runs the command and the reference on each input
 *   and compares their stdout; the first difference ends the job `failed`,
 *   `verification_failed`, with a unified diff.
 * - Cancel: a cancellation asked on any instance is seen within {@link CANCEL_POLL_MS} (at once
 *   when asked here) and aborts the sandbox run, which ends the whole process tree.
 * - Ending: `job.finish` (or `job.interrupt`) is recorded, then the record and the
 *   `job.finished` event are written in one transaction; when the audit log refuses, the ending is
 *   tried again every second, and the job stays `running` in the store meanwhile.
 * - Restart: a job whose instance is gone (ports/instance-liveness.ts) is marked `interrupted`,
 *   at start and every {@link LIVENESS_MS}; nothing is ever rerun. At shutdown the jobs running
 *   here are stopped and marked `interrupted`.
 */
import { auditedChange, recordNotApplied } from '../../kernel/audited-change.js';
import { DomainError } from '../../kernel/domain/errors.js';
import type { AuditLog } from '../../kernel/ports/audit-log.js';
import type { AuditAction } from '../../kernel/domain/audit-entry.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { JobInput, JobOutcome, JobRecord, JobUsage } from '../domain/job.js';
import { unifiedDiff } from '../domain/line-diff.js';
import type { InstanceLiveness } from '../ports/instance-liveness.js';
import type { JobStore } from '../ports/job-store.js';
import { SandboxInputError, SandboxUnavailableError, type Sandbox, type SandboxResult, type SandboxRun } from '../ports/sandbox.js';
import { finishedEvent, jobAuditEvent, outcomeDetails, SYSTEM_ACTOR } from './job-audit.js';
import type { JobSecrets } from './job-secrets.js';
import type { LogFeed } from './log-feed.js';
import { LogWriter } from './log-writer.js';

const POLL_MS = 1000;
const CANCEL_POLL_MS = 250;
const LIVENESS_MS = 30_000;
const RETRY_MS = 1000;

export interface JobRunnerOptions {
  readonly store: JobStore;
  readonly sandbox: Sandbox;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly secrets: JobSecrets;
  readonly feed: LogFeed;
  readonly liveness: InstanceLiveness;
  readonly instanceId: string;
  readonly workers: number;
  readonly outputBytes: number;
  readonly onError: (error: unknown) => void;
}

type StopReason = 'cancel' | 'shutdown';

interface Running {
  readonly job: JobRecord;
  readonly controller: AbortController;
  done: Promise<void>;
}

const NO_USAGE: JobUsage = { wallMs: 0, cpuMs: 0, maxRssKb: 0 };

function outcome(status: JobOutcome['status'], extra: Partial<JobOutcome> = {}): JobOutcome {
  return { status, exitCode: null, signal: null, failure: null, diff: null, outputTruncated: false, usage: null, ...extra };
}

/** The record's view of one sandbox result. */
function outcomeOf(result: SandboxResult, stopped: StopReason | undefined, usage: JobUsage): JobOutcome {
  const base = { exitCode: result.exitCode, signal: result.signal, outputTruncated: result.outputTruncated, usage };
  switch (result.ended) {
    case 'cancelled':
      return outcome(stopped === 'shutdown' ? 'interrupted' : 'cancelled', base);
    case 'wall_limit':
      return outcome('timed_out', base);
    case 'cpu_limit':
    case 'memory_limit':
    case 'output_limit':
      return outcome('failed', { ...base, failure: result.ended });
    case 'exited':
      if (result.exitCode === 0) return outcome('succeeded', base);
      return outcome('failed', { ...base, failure: result.exitCode === null ? 'signal' : 'exit_code' });
  }
}

function addUsage(a: JobUsage, b: SandboxResult['usage']): JobUsage {
  return { wallMs: a.wallMs + b.wallMs, cpuMs: a.cpuMs + b.cpuMs, maxRssKb: Math.max(a.maxRssKb, b.maxRssKb) };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

export class JobRunner {
  readonly #o: JobRunnerOptions;
  readonly #running = new Map<string, Running>();
  readonly #timers: NodeJS.Timeout[] = [];
  #filling: Promise<void> | undefined;
  #again = false;
  #closing = false;

  constructor(options: JobRunnerOptions) {
    this.#o = options;
  }

  get instanceId(): string {
    return this.#o.instanceId;
  }

  /** Takes this instance's liveness lock, interrupts the jobs of gone instances, and starts looking for work. */
  async start(): Promise<void> {
    await this.#o.liveness.start();
    await this.interruptGone();
    const every = (ms: number, work: () => Promise<unknown>): void => {
      const timer = setInterval(() => void work().catch(this.#o.onError), ms);
      timer.unref();
      this.#timers.push(timer);
    };
    every(POLL_MS, () => Promise.resolve(this.wake()));
    every(CANCEL_POLL_MS, () => this.#pollCancels());
    every(LIVENESS_MS, () => this.interruptGone());
    this.wake();
  }

  /** Looks for queued work now (a job was just created). */
  wake(): void {
    if (this.#closing || this.#o.workers === 0) return;
    if (this.#filling !== undefined) {
      this.#again = true;
      return;
    }
    this.#filling = this.#fill()
      .catch(this.#o.onError)
      .finally(() => {
        this.#filling = undefined;
        if (this.#again) {
          this.#again = false;
          this.wake();
        }
      });
  }

  /** Whether the job runs on this instance. */
  isRunningHere(jobId: string): boolean {
    return this.#running.has(jobId);
  }

  /** Cancels a job running here; resolves once it has ended (false when it does not run here). */
  async cancelHere(jobId: string): Promise<boolean> {
    const running = this.#running.get(jobId);
    if (running === undefined) return false;
    running.controller.abort('cancel' satisfies StopReason);
    await running.done;
    return true;
  }

  /** Marks `interrupted` the jobs of every instance that is gone (never reruns them). */
  async interruptGone(): Promise<number> {
    const jobs = await this.#o.store.othersJobs(this.#o.instanceId);
    const verdicts = new Map<string, boolean>();
    let interrupted = 0;
    for (const job of jobs) {
      const owner = job.status === 'running' ? job.instanceId : job.pinnedInstance;
      if (owner === null) continue;
      let gone = verdicts.get(owner);
      if (gone === undefined) {
        gone = await this.#o.liveness.isGone(owner);
        verdicts.set(owner, gone);
      }
      if (gone && (await this.#interrupt(job, 'instance_gone'))) interrupted += 1;
    }
    return interrupted;
  }

  async #interrupt(job: JobRecord, why: string): Promise<boolean> {
    const ended = outcome('interrupted');
    const event = jobAuditEvent(job, 'job.interrupt', SYSTEM_ACTOR, undefined, { status: 'interrupted', was: job.status, why });
    return auditedChange(this.#o.audit, event, async () => {
      const done = await this.#o.store.interrupt(job, finishedEvent(job, ended), this.#o.clock.now());
      if (!done) throw new DomainError('conflict', 'The job had moved on');
      return true;
    }).catch((error: unknown) => {
      if (!(error instanceof DomainError && error.code === 'conflict')) this.#o.onError(error);
      return false;
    });
  }

  async #fill(): Promise<void> {
    while (!this.#closing && this.#running.size < this.#o.workers) {
      const claimed = await this.#claim();
      if (claimed === undefined) return;
      this.#launch(claimed.job, claimed.input);
    }
  }

  async #claim(): Promise<{ job: JobRecord; input: JobInput } | undefined> {
    let recorded: JobRecord | undefined;
    const entry = (job: JobRecord) => jobAuditEvent(job, 'job.start', SYSTEM_ACTOR, undefined, { instance: this.#o.instanceId });
    try {
      const claimed = await this.#o.store.claim(
        this.#o.instanceId,
        this.#o.clock.now(),
        async (job) => {
          await this.#o.audit.record(entry(job));
          recorded = job;
        },
        (job) => ({ type: 'job.started', orgId: job.orgId, data: { job_id: job.id } }),
      );
      if (claimed === undefined && recorded !== undefined) await recordNotApplied(this.#o.audit, entry(recorded), 'conflict');
      return claimed;
    } catch (error) {
      if (recorded !== undefined) await recordNotApplied(this.#o.audit, entry(recorded), error);
      throw error;
    }
  }

  #launch(job: JobRecord, input: JobInput): void {
    const controller = new AbortController();
    const running: Running = { job, controller, done: Promise.resolve() };
    this.#running.set(job.id, running);
    running.done = this.#execute(job, input, controller.signal)
      .catch((error: unknown): JobOutcome => {
        this.#o.onError(error);
        return outcome('failed', { failure: 'internal_error' });
      })
      .then((ended) => this.#finish(job, ended))
      .finally(() => {
        this.#running.delete(job.id);
        this.#o.feed.notify(job.id);
        this.wake();
      });
  }

  async #execute(job: JobRecord, input: JobInput, signal: AbortSignal): Promise<JobOutcome> {
    const secrets = await this.#o.secrets.reveal(job);
    if (!secrets.ok) return outcome('failed', { failure: 'secrets_unavailable' });
    const logs = new LogWriter(this.#o.store, job, this.#o.feed, this.#o.clock, this.#o.onError);
    const base: Omit<SandboxRun, 'argv'> = {
      files: input.files,
      env: secrets.env,
      limits: { ...job.limits, outputBytes: this.#o.outputBytes },
      signal,
    };
    try {
      if (job.verify === undefined) {
        const result = await this.#o.sandbox.run({ ...base, argv: job.command, onOutput: logs.write });
        return outcomeOf(result, signal.reason as StopReason | undefined, addUsage(NO_USAGE, result.usage));
      }
      return await this.#verify(job, input, base, logs);
    } catch (error) {
      if (error instanceof SandboxUnavailableError) return outcome('failed', { failure: 'sandbox_unavailable' });
      if (error instanceof SandboxInputError) return outcome('failed', { failure: 'input_refused' });
      throw error;
    } finally {
      secrets.env.clear();
      await logs.close();
    }
  }

  /** Runs the command and the reference on each input; the first stdout that differs fails the job with a diff. */
  async #verify(job: JobRecord, input: JobInput, base: Omit<SandboxRun, 'argv'>, logs: LogWriter): Promise<JobOutcome> {
    const reference = job.verify?.reference ?? [];
    let usage = NO_USAGE;
    const stopped = (): StopReason | undefined => base.signal?.reason as StopReason | undefined;
    for (const [index, stdin] of input.verifyInputs.entries()) {
      const mine = await this.#o.sandbox.run({ ...base, argv: job.command, stdin, onOutput: logs.write });
      usage = addUsage(usage, mine.usage);
      if (mine.ended !== 'exited' || mine.exitCode !== 0) return outcomeOf(mine, stopped(), usage);
      const theirs = await this.#o.sandbox.run({ ...base, argv: reference, stdin });
      usage = addUsage(usage, theirs.usage);
      if (theirs.ended === 'cancelled' || theirs.ended === 'wall_limit') return outcomeOf(theirs, stopped(), usage);
      if (!mine.stdout.equals(theirs.stdout) || theirs.exitCode !== 0) {
        const label = `input ${index + 1}`;
        const diff =
          unifiedDiff(theirs.stdout.toString('utf8'), mine.stdout.toString('utf8'), `reference (${label})`, `command (${label})`) ||
          `--- reference (${label})\n+++ command (${label})\n# the reference ended with ${theirs.exitCode === null ? `signal ${theirs.signal ?? '?'}` : `exit code ${theirs.exitCode}`}\n`;
        return outcome('failed', { failure: 'verification_failed', diff, usage, outputTruncated: mine.outputTruncated });
      }
    }
    return outcome('succeeded', { exitCode: 0, usage });
  }

  async #finish(job: JobRecord, ended: JobOutcome): Promise<void> {
    const action: AuditAction = ended.status === 'interrupted' ? 'job.interrupt' : 'job.finish';
    const entry = jobAuditEvent(job, action, SYSTEM_ACTOR, undefined, outcomeDetails(ended));
    for (;;) {
      try {
        await auditedChange(this.#o.audit, entry, async () => {
          const done = await this.#o.store.finish(job, this.#o.instanceId, ended, finishedEvent(job, ended), this.#o.clock.now());
          if (!done) throw new DomainError('conflict', 'The job is no longer running here');
        });
        return;
      } catch (error) {
        if (error instanceof DomainError && error.code === 'conflict') return;
        this.#o.onError(error);
        // Left `running` in the store: the next start of this deployment marks it interrupted.
        if (this.#closing) return;
        await sleep(RETRY_MS);
      }
    }
  }

  async #pollCancels(): Promise<void> {
    if (this.#running.size === 0) return;
    for (const id of await this.#o.store.cancelRequested([...this.#running.keys()])) {
      this.#running.get(id)?.controller.abort('cancel' satisfies StopReason);
    }
  }

  /** Stops looking for work, stops the jobs running here (recorded `interrupted`) and gives the liveness lock up. */
  async close(): Promise<void> {
    this.#closing = true;
    for (const timer of this.#timers) clearInterval(timer);
    await this.#filling;
    const running = [...this.#running.values()];
    for (const { controller } of running) controller.abort('shutdown' satisfies StopReason);
    await Promise.all(running.map((r) => r.done));
    await this.#o.liveness.close();
  }
}
