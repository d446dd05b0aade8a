/** The JSON of a job in answers (snake_case, times as RFC 3339), and its schema for the OpenAPI document. */
import { Type, type Static } from '@sinclair/typebox';
import { JOB_STATUSES, type JobLimits, type JobRecord } from '../domain/job.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Time = Nullable(Type.String({ format: 'date-time' }));

export const LimitsJson = Type.Object(
  {
    cpu_seconds: Type.Integer({ description: 'CPU seconds (RLIMIT_CPU)' }),
    memory_mb: Type.Integer({ description: 'MiB of memory' }),
    pids: Type.Integer({ description: 'processes at once' }),
    wall_seconds: Type.Integer({ description: 'seconds of wall-clock time before the whole tree is killed (`timed_out`)' }),
    disk_mb: Type.Integer({ description: 'MiB of the writable work directory and /tmp' }),
    open_files: Type.Integer({ description: 'open file descriptors' }),
  },
  { additionalProperties: false },
);

export const JobJson = Type.Object(
  {
    id: Type.String({ description: '`job_…`' }),
    status: Type.Union(
      JOB_STATUSES.map((status) => Type.Literal(status)),
      { description: '`queued`, `running`, then one of `succeeded`, `failed`, `cancelled`, `timed_out`, `interrupted` (never rerun)' },
    ),
    command: Type.Array(Type.String(), { description: 'argv' }),
    limits: LimitsJson,
    files: Type.Array(Type.Object({ path: Type.String(), size: Type.Integer({ description: 'bytes' }) }, { additionalProperties: false }), {
      description: 'the input files placed in the work directory (names and sizes; the bytes are kept only until the job ends)',
    }),
    secrets: Type.Array(Type.String(), {
      description: 'names of the org secrets given to the job as environment variables (never values)',
    }),
    verify: Nullable(
      Type.Object(
        { reference: Type.Array(Type.String()), inputs: Type.Integer({ description: 'how many inputs' }) },
        { additionalProperties: false, description: 'a verified run: the reference argv and the number of inputs' },
      ),
    ),
    exit_code: Nullable(Type.Integer({ description: 'the exit code, once the command exited by itself' })),
    signal: Nullable(Type.String({ description: 'the signal that ended it, if one did' })),
    failure: Nullable(
      Type.String({
        description:
          'why a `failed` job failed: `exit_code`, `signal`, `cpu_limit`, `memory_limit`, `output_limit`, `verification_failed`, `sandbox_unavailable`, `secrets_unavailable`, `input_refused`, `internal_error`',
      }),
    ),
    diff: Nullable(
      Type.String({ description: 'with `verification_failed`: a unified diff of the first differing output (reference → command)' }),
    ),
    output_truncated: Type.Boolean({ description: 'true when output past the configured cap was cut' }),
    usage: Nullable(
      Type.Object(
        { wall_ms: Type.Integer(), cpu_ms: Type.Integer(), max_rss_kb: Type.Integer() },
        { additionalProperties: false, description: 'resources used, as the sandbox measured them' },
      ),
    ),
    created_by: Type.Object({ type: Type.String(), id: Type.String() }, { additionalProperties: false }),
    cancelled_by: Nullable(Type.String({ description: 'who asked for the cancellation' })),
    created_at: Type.String({ format: 'date-time' }),
    started_at: Time,
    finished_at: Time,
  },
  { additionalProperties: false },
);

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function limitsJson(limits: JobLimits): Static<typeof LimitsJson> {
  return {
    cpu_seconds: limits.cpuSeconds,
    memory_mb: limits.memoryMb,
    pids: limits.pids,
    wall_seconds: limits.wallSeconds,
    disk_mb: limits.diskMb,
    open_files: limits.openFiles,
  };
}

export function jobJson(job: JobRecord): Static<typeof JobJson> {
  return {
    id: job.id,
    status: job.status,
    command: [...job.command],
    limits: limitsJson(job.limits),
    files: job.files.map((file) => ({ path: file.path, size: file.size })),
    secrets: [...job.secretNames],
    verify: job.verify === undefined ? null : { reference: [...job.verify.reference], inputs: job.verify.inputs },
    exit_code: job.exitCode,
    signal: job.signal,
    failure: job.failure,
    diff: job.diff,
    output_truncated: job.outputTruncated,
    usage: job.usage === null ? null : { wall_ms: job.usage.wallMs, cpu_ms: job.usage.cpuMs, max_rss_kb: job.usage.maxRssKb },
    created_by: { type: job.createdBy.type, id: job.createdBy.id },
    cancelled_by: job.cancelledBy,
    created_at: new Date(job.createdAt).toISOString(),
    started_at: iso(job.startedAt),
    finished_at: iso(job.finishedAt),
  };
}
