/**
 * A job (issue 14; the spec's "Jobs (sandboxed execution)"): a command an org runs in the
 * sandbox, with its limits, input files, the NAMES of the org secrets it receives as environment
 * and an optional verification against a reference. What is stored here is never a secret value.
 *
 * Statuses: `queued` → `running` → one of `succeeded | failed | cancelled | timed_out |
 * interrupted`; a queued job may also end `cancelled` (never started) or `interrupted`. A job
 * ends once; nothing is ever rerun.
 */
export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out', 'interrupted'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** The statuses a job ends in. */
export const FINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled', 'timed_out', 'interrupted'];

export function isFinal(status: JobStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

/** Why a job that ran did not succeed, beyond its exit code (`failure` of the record). */
export type JobFailure =
  | 'exit_code'
  | 'signal'
  | 'cpu_limit'
  | 'memory_limit'
  | 'output_limit'
  | 'input_refused'
  | 'verification_failed'
  | 'sandbox_unavailable'
  | 'secrets_unavailable'
  | 'internal_error';

/** The per-job limits a caller may set (the output cap is the deployment's, not the job's); the sandbox's `SandboxLimits` less `outputBytes`. */
export interface JobLimits {
  readonly cpuSeconds: number;
  readonly memoryMb: number;
  readonly pids: number;
  readonly wallSeconds: number;
  readonly diskMb: number;
  readonly openFiles: number;
}

export const LIMIT_NAMES = ['cpu_seconds', 'memory_mb', 'pids', 'wall_seconds', 'disk_mb', 'open_files'] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

/** The JSON key of each limit and its field on {@link JobLimits}. */
export const LIMIT_FIELDS: Readonly<Record<LimitName, keyof JobLimits>> = {
  cpu_seconds: 'cpuSeconds',
  memory_mb: 'memoryMb',
  pids: 'pids',
  wall_seconds: 'wallSeconds',
  disk_mb: 'diskMb',
  open_files: 'openFiles',
};

/** Who created or cancelled a job: the principal's kind and id, and what bounds it (never a credential). */
export interface JobActor {
  readonly type: 'user' | 'api_key' | 'service';
  readonly id: string;
  /** For an API key or service client: the user whose authority bounds it. */
  readonly owner?: string;
  /** The scopes the credential carried, when it carried fewer than its owner's whole authority. */
  readonly scopes?: readonly string[];
  /** The org the credential is confined to. */
  readonly org?: string;
}

/** A file of the job's input: its relative path and size (the bytes are in the job's input until it ends). */
export interface JobFile {
  readonly path: string;
  readonly size: number;
}

/** A verified run: the reference's argv and how many inputs it is checked on. */
export interface JobVerify {
  readonly reference: readonly string[];
  readonly inputs: number;
}

/** Resources a job used, as the sandbox measured them. */
export interface JobUsage {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly maxRssKb: number;
}

/** A job as stored. */
export interface JobRecord {
  readonly id: string;
  readonly orgId: string;
  readonly createdBy: JobActor;
  readonly status: JobStatus;
  readonly command: readonly string[];
  readonly limits: JobLimits;
  readonly secretNames: readonly string[];
  readonly files: readonly JobFile[];
  readonly verify: JobVerify | undefined;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly failure: JobFailure | null;
  readonly diff: string | null;
  readonly outputTruncated: boolean;
  readonly usage: JobUsage | null;
  readonly instanceId: string | null;
  readonly pinnedInstance: string | null;
  readonly cancelledBy: string | null;
  readonly cancelRequestedAt: number | null;
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
}

/** The bytes a queued job starts from: its files and its verification inputs. */
export interface JobInput {
  readonly files: ReadonlyMap<string, Buffer>;
  readonly verifyInputs: readonly Buffer[];
}

/** How a run ended, as the record keeps it. */
export interface JobOutcome {
  readonly status: Extract<JobStatus, 'succeeded' | 'failed' | 'cancelled' | 'timed_out' | 'interrupted'>;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly failure: JobFailure | null;
  readonly diff: string | null;
  readonly outputTruncated: boolean;
  readonly usage: JobUsage | null;
}
