/**
 * The sandbox a job runs in. Rampart owns the whole profile: namespaces, capabilities, the
 * seccomp filter, the filesystem view and the limits are the adapter's, never the caller's; a
 * caller names only the command, the files, the environment and the limits (within the
 * configured maxima). An adapter that cannot set up the profile as configured refuses with
 * {@link SandboxUnavailableError}: nothing ever runs unsandboxed or with a weaker profile.
 */

/** The kernel-enforced limits of one run. */
export interface SandboxLimits {
  readonly cpuSeconds: number;
  readonly memoryMb: number;
  readonly pids: number;
  readonly wallSeconds: number;
  readonly diskMb: number;
  readonly openFiles: number;
  /** Bytes of stdout plus stderr kept; past it the output is cut and the run told so. */
  readonly outputBytes: number;
}

/** One run of a command in the sandbox. */
export interface SandboxRun {
  /** argv; `argv[0]` is resolved inside the sandbox's read-only root (`/usr/bin/…`). */
  readonly argv: readonly string[];
  /** Files placed in the work directory before the first instruction runs: relative path → bytes. */
  readonly files: ReadonlyMap<string, Buffer>;
  /** Environment of the job (org secrets among it): held in memory, never on a command line or disk. */
  readonly env: ReadonlyMap<string, string>;
  /** Bytes written to the job's stdin, then closed (verified runs feed their inputs here). */
  readonly stdin?: Buffer;
  readonly limits: SandboxLimits;
  /** Aborting ends the whole process tree at once (cancel). */
  readonly signal?: AbortSignal;
  /** Each chunk of output as it is produced, in order (live log streaming). */
  readonly onOutput?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
}

/** How a run ended. */
export interface SandboxResult {
  /** The exit code, or null when a signal ended it. */
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** What ended it when it did not exit by itself. */
  readonly ended:
    | 'exited'
    | 'wall_limit'
    | 'cancelled'
    | 'cpu_limit'
    | 'memory_limit'
    /** Output passed `limits.outputBytes`: kept up to it, then the run was ended. */
    | 'output_limit';
  /** True when output beyond `limits.outputBytes` was cut. */
  readonly outputTruncated: boolean;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
  /** Resources used, as measured (best effort where the kernel gives no figure). */
  readonly usage: { readonly wallMs: number; readonly cpuMs: number; readonly maxRssKb: number };
}

/** What `doctor` and job creation learn of the sandbox: the profile it enforces, or why it cannot. */
export interface SandboxProfile {
  readonly available: boolean;
  /** Why the sandbox cannot be set up as configured (when not available). */
  readonly reason?: string;
  /** Human-readable facts of the profile: namespaces, seccomp, uid, limits and how each is enforced. */
  readonly facts: Readonly<Record<string, string>>;
}

export interface Sandbox {
  /** Checks (once, then cached until `refresh`) that the profile can be set up here. */
  probe(refresh?: boolean): Promise<SandboxProfile>;
  /** Runs one command; rejects with {@link SandboxUnavailableError} when the profile cannot be had. */
  run(run: SandboxRun): Promise<SandboxResult>;
}

/** The sandbox cannot be set up as configured (503 `sandbox_unavailable`, with the reason). */
export class SandboxUnavailableError extends Error {
  readonly reason: string;

  constructor(reason: string) {
    super(`sandbox unavailable: ${reason}`);
    this.name = 'SandboxUnavailableError';
    this.reason = reason;
  }
}

/**
 * The run itself is not acceptable (a file name with `..`, NUL or an absolute part; an environment
 * name the host side would act on; files larger than `disk_mb`): refused before anything starts
 * (400 `validation_failed`). `detail` is safe to show: it names the rule, never a value.
 */
export class SandboxInputError extends Error {
  readonly detail: string;

  constructor(detail: string) {
    super(`sandbox input refused: ${detail}`);
    this.name = 'SandboxInputError';
    this.detail = detail;
  }
}
