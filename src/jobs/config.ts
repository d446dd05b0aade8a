/**
 * The jobs capability's variables: the worker pool, the default and the maximum of each limit a
 * job may ask, the output cap, the log retention, the body limit of job creation and how the
 * sandbox is set up (bwrap's path, the host uid/gid the sandbox maps its unprivileged user from
 * when the server runs as root). Listed on the `jobs` capability (`jobs/index.ts`); their keys join
 * the kernel's `RampartConfig` here (declaration merging). A default above its maximum stops the start.
 */
import { filePath, integer, type ConfigVariable, type PartialConfig, type Raw } from '../kernel/config.js';
import type { JobLimits } from './domain/job.js';

declare module '../kernel/config.js' {
  interface RampartConfig {
    /** Jobs this instance runs at once. */
    readonly jobsWorkers: number;
    /** The limits a job gets when it asks none. */
    readonly jobsLimitDefaults: JobLimits;
    /** The most a job may ask of each limit (more is 400 `validation_failed`). */
    readonly jobsLimitMaxima: JobLimits;
    /** Bytes of stdout plus stderr kept per job; past it the output is cut and the job told so. */
    readonly jobsOutputBytes: number;
    /** Seconds a job's output is kept after it was written. */
    readonly jobsLogRetention: number;
    /** The largest body `POST /api/v1/orgs/{org}/jobs` accepts, in bytes (files are base64 in it). */
    readonly jobsBodyLimit: number;
    /** The bubblewrap executable. */
    readonly jobsBwrapPath: string;
    /** The host uid and gid the sandbox's unprivileged user maps to when the server runs as root. */
    readonly jobsSandboxUid: number;
    readonly jobsSandboxGid: number;
  }
}

interface LimitSpec {
  readonly field: keyof JobLimits;
  readonly env: string;
  readonly what: string;
  readonly def: number;
  readonly max: number;
  /** The highest maximum an operator may configure. */
  readonly ceiling: number;
}

const LIMITS: readonly LimitSpec[] = [
  { field: 'cpuSeconds', env: 'CPU_SECONDS', what: 'CPU seconds', def: 10, max: 300, ceiling: 86_400 },
  {
    field: 'memoryMb',
    env: 'MEMORY_MB',
    what: 'MiB of memory',
    def: 256,
    max: 2048,
    ceiling: 1_048_576,
  },
  {
    field: 'pids',
    env: 'PIDS',
    what: 'processes at once',
    def: 64,
    max: 1024,
    ceiling: 65_536,
  },
  {
    field: 'wallSeconds',
    env: 'WALL_SECONDS',
    what: 'seconds of wall-clock time before the whole tree is killed (status `timed_out`)',
    def: 30,
    max: 3600,
    ceiling: 604_800,
  },
  {
    field: 'diskMb',
    env: 'DISK_MB',
    what: 'MiB of the work directory and `/tmp` (size-capped tmpfs)',
    def: 64,
    max: 1024,
    ceiling: 1_048_576,
  },
  { field: 'openFiles', env: 'OPEN_FILES', what: 'open file descriptors (RLIMIT_NOFILE)', def: 256, max: 4096, ceiling: 1_048_576 },
];

function limitsOf(raw: Partial<Record<keyof JobLimits, number>>): JobLimits {
  return Object.freeze({
    cpuSeconds: raw.cpuSeconds ?? 0,
    memoryMb: raw.memoryMb ?? 0,
    pids: raw.pids ?? 0,
    wallSeconds: raw.wallSeconds ?? 0,
    diskMb: raw.diskMb ?? 0,
    openFiles: raw.openFiles ?? 0,
  });
}

/** `NAME=value` pairs of a limits variable, e.g. `cpu_seconds=10,memory_mb=256`; unset names keep `base`. */
function parseLimits(raw: Raw, base: (spec: LimitSpec) => number, bound: (spec: LimitSpec) => number): JobLimits {
  const values: Partial<Record<keyof JobLimits, number>> = {};
  for (const spec of LIMITS) values[spec.field] = base(spec);
  const text = raw?.trim() ?? '';
  if (text === '') return limitsOf(values);
  for (const pair of text.split(',')) {
    const [name = '', value = ''] = pair.split('=').map((part) => part.trim());
    const spec = LIMITS.find((candidate) => candidate.env.toLowerCase() === name);
    if (spec === undefined)
      throw new Error(`unknown limit ${JSON.stringify(name)}: use ${LIMITS.map((l) => l.env.toLowerCase()).join(', ')}`);
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > bound(spec)) {
      throw new Error(`${name} must be a whole number from 1 to ${bound(spec)}`);
    }
    values[spec.field] = Number(value);
  }
  return limitsOf(values);
}

const LIMIT_TABLE = LIMITS.map((l) => `\`${l.env.toLowerCase()}\` ${l.what}`).join('; ');

export const JOBS_VARIABLES: readonly ConfigVariable[] = [
  {
    key: 'jobsWorkers',
    env: 'RAMPART_JOBS_WORKERS',
    defaultText: '2',
    description: 'Jobs this instance runs at once (its worker pool); `0` runs none here (the instance still accepts and serves jobs).',
    parse: integer(0, 256, 2),
  },
  {
    key: 'jobsLimitMaxima',
    env: 'RAMPART_JOBS_LIMIT_MAX',
    defaultText: LIMITS.map((l) => `${l.env.toLowerCase()}=${l.max}`).join(','),
    description: `The most a job may ask of each limit, as \`name=value\` pairs (unnamed ones keep their default maximum); more is 400 \`validation_failed\`. The limits: ${LIMIT_TABLE}; how the kernel enforces each is what \`rampart doctor\` reports.`,
    parse: (raw) =>
      parseLimits(
        raw,
        (spec) => spec.max,
        (spec) => spec.ceiling,
      ),
  },
  {
    key: 'jobsLimitDefaults',
    env: 'RAMPART_JOBS_LIMIT_DEFAULT',
    defaultText: LIMITS.map((l) => `${l.env.toLowerCase()}=${l.def}`).join(','),
    description: 'The limits a job gets when it asks none, as `name=value` pairs; each at most its maximum (`RAMPART_JOBS_LIMIT_MAX`).',
    parse: (raw: Raw, partial: PartialConfig) => {
      const maxima =
        partial.jobsLimitMaxima ??
        parseLimits(
          undefined,
          (spec) => spec.max,
          (spec) => spec.ceiling,
        );
      return parseLimits(
        raw,
        (spec) => Math.min(spec.def, maxima[spec.field]),
        (spec) => maxima[spec.field],
      );
    },
  },
  {
    key: 'jobsOutputBytes',
    env: 'RAMPART_JOBS_OUTPUT_BYTES',
    defaultText: '1048576',
    description:
      'Bytes of stdout plus stderr kept per job; past it the output is cut and the job is ended, `failed` with `failure: "output_limit"` and `output_truncated`.',
    parse: integer(1024, 1024 * 1024 * 1024, 1024 * 1024),
  },
  {
    key: 'jobsLogRetention',
    env: 'RAMPART_JOBS_LOG_RETENTION',
    defaultText: '604800',
    description: 'Seconds a job’s output is kept; older output is purged (hourly, audited as `jobs.logs.purge`).',
    parse: integer(60, 10 * 365 * 86_400, 604_800),
  },
  {
    key: 'jobsBodyLimit',
    env: 'RAMPART_JOBS_BODY_LIMIT',
    defaultText: '8388608',
    description: 'The largest body `POST /api/v1/orgs/{org}/jobs` accepts, in bytes (its files travel base64 in it); larger is 413.',
    parse: integer(1024, 256 * 1024 * 1024, 8 * 1024 * 1024),
  },
  {
    key: 'jobsBwrapPath',
    env: 'RAMPART_JOBS_BWRAP',
    defaultText: '/usr/bin/bwrap',
    description:
      'The bubblewrap executable jobs run under. When it cannot be used, job creation is 503 `sandbox_unavailable` and `rampart doctor` fails.',
    parse: (raw) => filePath(raw) ?? '/usr/bin/bwrap',
  },
  {
    key: 'jobsSandboxUid',
    env: 'RAMPART_JOBS_SANDBOX_UID',
    defaultText: '65534',
    description: 'When the server runs as root: the unprivileged host uid a job runs as (never 0).',
    parse: integer(1, 4_294_967_294, 65_534),
  },
  {
    key: 'jobsSandboxGid',
    env: 'RAMPART_JOBS_SANDBOX_GID',
    defaultText: '65534',
    description: 'When the server runs as root: the unprivileged host gid a job runs as (never 0).',
    parse: integer(1, 4_294_967_294, 65_534),
  },
];
