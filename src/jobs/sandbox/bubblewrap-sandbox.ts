/**
 * The {@link Sandbox} on bubblewrap. A run is one `prlimit … -- bwrap …` process tree:
 * - `prlimit` (util-linux) sets the per-process rlimits (RLIMIT_CPU, RLIMIT_NOFILE, RLIMIT_CORE 0)
 *   that the whole tree inherits, then becomes bwrap;
 * - bwrap builds the profile of bwrap-arguments.ts, reports its pid 1 on the status descriptor and
 *   waits on the block descriptor; the server moves that pid 1 into the job's cgroups (pids, memory,
 *   cpu accounting) and only then releases it, so nothing of the job ever runs outside them;
 * - the seccomp filter of seccomp-bpf.ts, the job's files and the generated /etc come through
 *   descriptors; the environment is bwrap's own, inherited by the job: no secret is ever on a
 *   command line or on disk;
 * - when the server is root, the tree runs as an unprivileged host account (sandbox-identity.ts).
 * The wall limit, cancel, the total CPU limit and the output cap end the run by killing the
 * sandbox's pid 1 (the kernel then kills its whole pid namespace) and every process left in the
 * job's cgroup; the cgroup is removed before the result is returned, so no process survives a run.
 * Anything that cannot be set up as configured rejects with SandboxUnavailableError: no weaker
 * profile is ever tried.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants as fsConstants, promises as fs } from 'node:fs';
import { constants as osConstants } from 'node:os';
import path from 'node:path';
import type { Writable, Readable } from 'node:stream';
import type { Logger } from '../../kernel/adapters/log/pino-logger.js';
import { randomToken } from '../../kernel/crypto/random.js';
import {
  SandboxInputError,
  SandboxUnavailableError,
  type Sandbox,
  type SandboxLimits,
  type SandboxProfile,
  type SandboxResult,
  type SandboxRun,
} from '../ports/sandbox.js';
import { bwrapArguments, ETC_FILES, FD } from './bwrap-arguments.js';
import { detectJobCgroups, type JobCgroup, type JobCgroups } from './job-cgroups.js';
import { checkSandboxInput } from './sandbox-input.js';
import { hostUserFor, SANDBOX_UID, type HostUser } from './sandbox-identity.js';
import { DENIED_SYSCALLS, seccompFilterBytes, SUPPORTED_ARCHES } from './seccomp-bpf.js';
import { checkProfileFromInside, PROFILE_PROBE_ARGV } from './sandbox-self-check.js';

export interface BubblewrapSandboxOptions {
  /** The bwrap executable: an absolute path, or a name looked up on the server's PATH. Default `bwrap`. */
  readonly bwrapPath?: string;
  /** The host account the sandbox's uid maps to when the server runs as root; default 65534/65534. */
  readonly hostUser?: { readonly uid: number; readonly gid: number };
  readonly logger?: Logger;
  /** A delegated cgroup v2 directory for per-job cgroups; default: found automatically (v1 or v2). */
  readonly cgroupRoot?: string;
}

/** The sandbox of issue 14. */
export function createBubblewrapSandbox(options: BubblewrapSandboxOptions = {}): Sandbox {
  return new BubblewrapSandbox(options, true);
}

/**
 * The same sandbox WITHOUT its seccomp filter, for bench/suites/jobs-sandbox.mjs alone (it measures
 * what the filter costs). Nothing in the server or its configuration can reach this.
 */
export function createUnfilteredSandboxForBenchmark(options: BubblewrapSandboxOptions = {}): Sandbox {
  return new BubblewrapSandbox(options, false);
}

/** The environment every job starts from; the run's own entries are added to it. */
const BASE_ENV: Readonly<Record<string, string>> = { PATH: '/usr/bin:/bin', HOME: '/work', LANG: 'C.UTF-8' };
const PROBE_LIMITS: SandboxLimits = {
  cpuSeconds: 5,
  memoryMb: 64,
  pids: 16,
  wallSeconds: 10,
  diskMb: 1,
  openFiles: 64,
  outputBytes: 64 * 1024,
};
const REPROBE_AFTER_FAILURE_MS = 30_000;
/** How long bwrap may take to exit by itself once its sandbox was killed. */
const MONITOR_GRACE_MS = 1000;
/** How often the total CPU time of a job's cgroup is compared with `cpu_seconds`. */
const CPU_POLL_MS = 100;
/** Descriptors bwrap holds besides the job's files (stdio, seccomp, block, status, /etc files) + slack. */
const FIXED_FDS = FD.firstData + ETC_FILES.length + 16;

interface Setup {
  readonly bwrap: string;
  readonly prlimit: string;
  readonly hostUser: HostUser | undefined;
  readonly cgroups: JobCgroups;
}

class BubblewrapSandbox implements Sandbox {
  readonly #options: BubblewrapSandboxOptions;
  readonly #seccomp: boolean;
  #profile: Promise<{ readonly profile: SandboxProfile; readonly setup?: Setup }> | undefined;
  #failedAt: number | undefined;

  constructor(options: BubblewrapSandboxOptions, seccomp: boolean) {
    this.#options = Object.freeze({ ...options });
    this.#seccomp = seccomp;
  }

  async probe(refresh = false): Promise<SandboxProfile> {
    return (await this.#probed(refresh)).profile;
  }

  async run(run: SandboxRun): Promise<SandboxResult> {
    checkSandboxInput(run.files, run.env, run.limits.diskMb);
    checkLimits(run.limits);
    // bwrap holds one descriptor per file while it sets up; RLIMIT_NOFILE applies to it already.
    if (run.limits.openFiles < FIXED_FDS + run.files.size) {
      throw new SandboxInputError(`open_files must be at least ${FIXED_FDS + run.files.size} for this many files`);
    }
    const { profile, setup } = await this.#probed(false);
    if (setup === undefined) throw new SandboxUnavailableError(profile.reason ?? 'the sandbox cannot be set up');
    return this.#runIn(setup, run);
  }

  async #probed(refresh: boolean): Promise<{ readonly profile: SandboxProfile; readonly setup?: Setup }> {
    // A failed probe is retried after a while (bwrap installed, cgroups delegated since), never a
    // passed one: a run that then fails to set up is refused on its own.
    const stale = this.#failedAt !== undefined && Date.now() - this.#failedAt > REPROBE_AFTER_FAILURE_MS;
    if (refresh || stale || this.#profile === undefined) {
      this.#failedAt = undefined;
      this.#profile = this.#probeNow().then((probed) => {
        if (!probed.profile.available) this.#failedAt = Date.now();
        return probed;
      });
    }
    return this.#profile;
  }

  async #probeNow(): Promise<{ readonly profile: SandboxProfile; readonly setup?: Setup }> {
    try {
      const setup = await this.#setUp();
      const trial = await this.#runIn(setup, {
        argv: PROFILE_PROBE_ARGV,
        files: new Map(),
        env: new Map(),
        limits: PROBE_LIMITS,
      });
      const inside = checkProfileFromInside(trial, this.#seccomp);
      if (!inside.ok) throw new SandboxUnavailableError(inside.reason);
      return { profile: { available: true, facts: this.#facts(setup, inside.facts) }, setup };
    } catch (error) {
      const reason = error instanceof SandboxUnavailableError ? error.reason : `unexpected: ${messageOf(error)}`;
      this.#options.logger?.warn({ reason }, 'job sandbox unavailable');
      return { profile: { available: false, reason, facts: {} } };
    }
  }

  async #setUp(): Promise<Setup> {
    const bwrap = await findExecutable(this.#options.bwrapPath ?? 'bwrap');
    if (bwrap === undefined) throw new SandboxUnavailableError(`bubblewrap not found (${this.#options.bwrapPath ?? 'bwrap'})`);
    const prlimit = await findExecutable('prlimit');
    if (prlimit === undefined) throw new SandboxUnavailableError('prlimit (util-linux) not found: rlimits cannot be set');
    let hostUser: HostUser | undefined;
    try {
      hostUser = hostUserFor(process.getuid?.() ?? -1, this.#options.hostUser);
    } catch (error) {
      throw new SandboxUnavailableError(messageOf(error));
    }
    const detected = await detectJobCgroups(this.#options.cgroupRoot);
    if (!detected.ok) throw new SandboxUnavailableError(`no per-job cgroups for the pids and memory limits: ${detected.reason}`);
    return { bwrap, prlimit, hostUser, cgroups: detected.cgroups };
  }

  #facts(setup: Setup, inside: Readonly<Record<string, string>>): Record<string, string> {
    const v = `cgroup v${setup.cgroups.version}`;
    const arches = SUPPORTED_ARCHES.map((a) => a.name).join(', ');
    return {
      bubblewrap: setup.bwrap,
      namespaces: 'user, pid, net, ipc, uts, cgroup, mount (all unshared); no user namespace inside (--disable-userns)',
      seccomp: this.#seccomp
        ? `generated BPF: ${DENIED_SYSCALLS.length} calls denied with EPERM, namespace flags of clone/unshare, clone3 ENOSYS, ioctl TIOCSTI/TIOCLINUX, personality; other architectures than ${arches} killed`
        : 'OFF (benchmark only)',
      uid: `${SANDBOX_UID} inside; host uid ${setup.hostUser === undefined ? `${process.getuid?.() ?? '?'} (the server's)` : `${setup.hostUser.uid} (server is root)`}`,
      capabilities: 'all dropped; no-new-privileges',
      filesystem:
        'read-only root of /usr binds and generated /etc; fresh /proc; read-only minimal /dev; /job tmpfs (work dir and /tmp) of disk_mb',
      network: 'none: an empty network namespace',
      cgroups: setup.cgroups.where,
      'limit cpu_seconds': `RLIMIT_CPU per process (kernel) and the job's total from ${v} cpu accounting (server kills past it)`,
      'limit memory_mb': `${v} memory controller (kernel OOM kill)`,
      'limit pids': `${v} pids controller (kernel; the job plus the sandbox's pid 1)`,
      'limit wall_seconds': 'server timer: SIGKILL of the pid namespace and the cgroup',
      'limit disk_mb': 'tmpfs size (kernel)',
      'limit open_files': 'RLIMIT_NOFILE (kernel)',
      'limit output': 'server: kept up to the cap, then the job is ended',
      ...inside,
    };
  }

  async #runIn(setup: Setup, run: SandboxRun): Promise<SandboxResult> {
    const started = process.hrtime.bigint();
    const wallMs = (): number => Number((process.hrtime.bigint() - started) / 1_000_000n);
    if (run.signal?.aborted === true) return notStarted('cancelled');
    let cgroup: JobCgroup;
    try {
      cgroup = await setup.cgroups.create(`job-${randomToken(12)}`, {
        pids: run.limits.pids + 1,
        memoryBytes: run.limits.memoryMb * 1024 * 1024,
      });
    } catch (error) {
      throw new SandboxUnavailableError(`a job cgroup cannot be created: ${messageOf(error)}`);
    }
    try {
      const outcome = await this.#spawnAndWait(setup, cgroup, run);
      return {
        ...outcome,
        usage: {
          wallMs: wallMs(),
          cpuMs: Math.round(await cgroup.cpuMs().catch(() => 0)),
          maxRssKb: await cgroup.maxRssKb().catch(() => 0),
        },
      };
    } finally {
      await cgroup.killAll();
      await cgroup.remove().catch((error: unknown) => this.#options.logger?.warn({ err: messageOf(error) }, 'job cgroup not removed'));
    }
  }

  #spawnAndWait(setup: Setup, cgroup: JobCgroup, run: SandboxRun): Promise<Omit<SandboxResult, 'usage'>> {
    const fileNames = [...run.files.keys()];
    const diskBytes = run.limits.diskMb * 1024 * 1024;
    const args = bwrapArguments({ argv: run.argv, fileNames, diskBytes, seccomp: this.#seccomp });
    const cpu = Math.ceil(run.limits.cpuSeconds);
    // SIGXCPU at the soft limit tells a job why it ends; SIGKILL a second later if it ignores it.
    const limits = [`--cpu=${cpu}:${cpu + 1}`, `--nofile=${run.limits.openFiles}:${run.limits.openFiles}`, '--core=0:0'];
    const dataCount = ETC_FILES.length + fileNames.length;
    const child = spawn(setup.prlimit, [...limits, '--', setup.bwrap, ...args], {
      cwd: '/',
      env: { ...BASE_ENV, ...Object.fromEntries(run.env) },
      stdio: [run.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe', ...Array.from({ length: 3 + dataCount }, () => 'pipe' as const)],
      detached: true,
      ...(setup.hostUser === undefined ? {} : { uid: setup.hostUser.uid, gid: setup.hostUser.gid }),
    });
    return new RunWatch(child, cgroup, run, this.#seccomp, [
      ...ETC_FILES.map(([, text]) => Buffer.from(text)),
      ...fileNames.map((name) => run.files.get(name) ?? Buffer.alloc(0)),
    ]).result;
  }
}

/** Watches one run from spawn to the end: feeds descriptors, enforces the limits, collects output. */
class RunWatch {
  readonly result: Promise<Omit<SandboxResult, 'usage'>>;
  readonly #child: ChildProcess;
  readonly #cgroup: JobCgroup;
  readonly #run: SandboxRun;
  #ended: SandboxResult['ended'] | undefined;
  #innerPid: number | undefined;
  #released = false;
  #exitCode: number | undefined;
  #kept = 0;
  #truncated = false;
  readonly #stdout: Buffer[] = [];
  readonly #stderr: Buffer[] = [];
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #seccomp: boolean;

  constructor(child: ChildProcess, cgroup: JobCgroup, run: SandboxRun, seccomp: boolean, data: readonly Buffer[]) {
    this.#child = child;
    this.#seccomp = seccomp;
    this.#cgroup = cgroup;
    this.#run = run;
    this.result = new Promise((resolve, reject) => {
      child.once('error', (error) => reject(new SandboxUnavailableError(`the sandbox could not start: ${messageOf(error)}`)));
      child.once('close', (code, signal) => {
        this.#stopTimers();
        resolve(this.#finish(code, signal));
      });
    });
    if (child.pid === undefined) return;
    const io = [...child.stdio] as (Readable & Writable)[];
    for (const stream of io) stream?.on('error', () => undefined);
    data.forEach((bytes, i) => io[FD.firstData + i]?.end(bytes));
    if (run.stdin !== undefined) io[0]?.end(run.stdin);
    io[1]?.on('data', (chunk: Buffer) => this.#output('stdout', chunk));
    io[2]?.on('data', (chunk: Buffer) => this.#output('stderr', chunk));
    const status = io[FD.status];
    if (status !== undefined) this.#readStatus(status);
    this.#timers.push(setTimeout(() => this.#end('wall_limit'), run.limits.wallSeconds * 1000));
    this.#timers.push(setInterval(() => void this.#checkCpu(), CPU_POLL_MS));
    const cancel = (): void => this.#end('cancelled');
    // A cancel that arrived while the cgroup was being created (before this listener) still ends the run.
    if (run.signal?.aborted === true) cancel();
    else run.signal?.addEventListener('abort', cancel, { once: true });
    child.once('close', () => run.signal?.removeEventListener('abort', cancel));
  }

  #readStatus(status: Readable): void {
    let text = '';
    status.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      let newline = text.indexOf('\n');
      while (newline >= 0) {
        this.#statusLine(text.slice(0, newline));
        text = text.slice(newline + 1);
        newline = text.indexOf('\n');
      }
    });
  }

  #statusLine(line: string): void {
    let doc: { 'child-pid'?: unknown; 'exit-code'?: unknown };
    try {
      doc = JSON.parse(line) as typeof doc;
    } catch {
      return;
    }
    if (typeof doc['exit-code'] === 'number') this.#exitCode = doc['exit-code'];
    if (typeof doc['child-pid'] === 'number' && this.#innerPid === undefined) {
      this.#innerPid = doc['child-pid'];
      if (this.#ended === undefined) void this.#release(doc['child-pid']);
      else this.#kill();
    }
  }

  /**
   * Moves the sandbox's pid 1 into the job's cgroups, then lets it run the job. The seccomp filter
   * is sent only now, with the release: if the server dies before, the blocked pid 1 reads end of
   * file on both descriptors, and bwrap dies on the empty filter instead of running the job
   * outside its cgroups.
   */
  async #release(pid: number): Promise<void> {
    try {
      // Only bwrap's own child is ever moved: never a pid a confused report could name.
      if (pid <= 1 || (await parentOf(pid)) !== this.#child.pid) throw new Error("not bwrap's child");
      await this.#cgroup.attach(pid);
    } catch {
      this.#end('cancelled');
      return;
    }
    if (this.#ended !== undefined) return;
    const stdio = this.#child.stdio as unknown as readonly (Writable | null | undefined)[];
    stdio[FD.seccomp]?.end(this.#seccomp ? seccompFilterBytes() : undefined);
    stdio[FD.block]?.end(Buffer.from('1'));
    this.#released = true;
  }

  #output(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    if (this.#truncated) return;
    const room = this.#run.limits.outputBytes - this.#kept;
    const kept = chunk.length <= room ? chunk : chunk.subarray(0, Math.max(room, 0));
    if (kept.length > 0) {
      this.#kept += kept.length;
      (stream === 'stdout' ? this.#stdout : this.#stderr).push(kept);
      try {
        this.#run.onOutput?.(stream, kept);
      } catch {
        // A failing listener (a closed log stream) must not end the job or the server.
      }
    }
    if (kept.length < chunk.length) {
      this.#truncated = true;
      this.#end('output_limit');
    }
  }

  async #checkCpu(): Promise<void> {
    const used = await this.#cgroup.cpuMs().catch(() => 0);
    if (used > this.#run.limits.cpuSeconds * 1000) this.#end('cpu_limit');
  }

  /** Ends the run for `reason`: the pid namespace's init and the whole cgroup are killed. */
  #end(reason: SandboxResult['ended']): void {
    if (this.#ended !== undefined) return;
    this.#ended = reason;
    this.#stopTimers();
    // Before bwrap reports its pid 1, that process is blocked in setup and outside the cgroups:
    // killing bwrap now would orphan it, so the kill waits for the report (#statusLine).
    if (this.#innerPid !== undefined) this.#kill();
  }

  /**
   * Kills the sandbox's pid 1 (the kernel then kills its whole pid namespace) and everything in the
   * job's cgroup. bwrap itself, outside, then reaps its child and exits; it is killed only if it
   * has not after a moment (killing it first would leave its child to the host's init to reap).
   */
  #kill(): void {
    signal(this.#innerPid);
    void this.#cgroup.killAll();
    const monitor = this.#child;
    setTimeout(() => {
      if (monitor.exitCode === null && monitor.signalCode === null) signal(monitor.pid);
    }, MONITOR_GRACE_MS).unref();
  }

  #stopTimers(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.length = 0;
  }

  /** The result, from what ended the run and bwrap's own report of the job's exit. */
  async #finish(code: number | null, signal: NodeJS.Signals | null): Promise<Omit<SandboxResult, 'usage'>> {
    const output = { outputTruncated: this.#truncated, stdout: Buffer.concat(this.#stdout), stderr: Buffer.concat(this.#stderr) };
    if (this.#ended !== undefined) return { exitCode: null, signal: 'SIGKILL', ended: this.#ended, ...output };
    if (this.#exitCode === undefined) {
      // bwrap never ran the job. Its own message is on stderr (no job output exists): a command
      // that is not there is the job's failure (127, as shells report it); anything else is the
      // sandbox's, and nothing ran.
      const said = (output.stderr.toString('utf8').split('\n')[0] ?? '').replace(/[^\x20-\x7e]/g, '').slice(0, 200);
      if (this.#released && said.startsWith('bwrap: execvp ')) return { exitCode: 127, signal: null, ended: 'exited', ...output };
      throw new SandboxUnavailableError(`bubblewrap could not set up the sandbox (${signal ?? `exit ${String(code)}`}): ${said}`);
    }
    // bwrap reports a job killed by signal n as 128 + n, as shells do.
    const bySignal = this.#exitCode > 128 && this.#exitCode <= 128 + 64 ? signalName(this.#exitCode - 128) : undefined;
    const ended = await this.#limitThatEnded(bySignal);
    return bySignal === undefined
      ? { exitCode: this.#exitCode, signal: null, ended, ...output }
      : { exitCode: null, signal: bySignal, ended, ...output };
  }

  async #limitThatEnded(bySignal: string | undefined): Promise<SandboxResult['ended']> {
    if (bySignal === 'SIGXCPU') return 'cpu_limit';
    // The kernel's RLIMIT_CPU ticks and the cgroup's accounting differ by a few percent.
    if (bySignal === 'SIGKILL' && (await this.#cgroup.cpuMs().catch(() => 0)) >= this.#run.limits.cpuSeconds * 900) {
      return 'cpu_limit';
    }
    if ((bySignal !== undefined || this.#exitCode !== 0) && (await this.#cgroup.memoryLimitHit().catch(() => false))) {
      return 'memory_limit';
    }
    return 'exited';
  }
}

function signal(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** The parent pid of `pid`, from /proc (undefined when it is gone). */
async function parentOf(pid: number): Promise<number | undefined> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const ppid = /^PPid:\s+(\d+)/m.exec(status)?.[1];
  return ppid === undefined ? undefined : Number(ppid);
}

function notStarted(ended: SandboxResult['ended']): SandboxResult {
  return {
    exitCode: null,
    signal: null,
    ended,
    outputTruncated: false,
    stdout: Buffer.alloc(0),
    stderr: Buffer.alloc(0),
    usage: { wallMs: 0, cpuMs: 0, maxRssKb: 0 },
  };
}

function signalName(n: number): string | undefined {
  const entry = Object.entries(osConstants.signals).find(([, value]) => value === n);
  return entry?.[0];
}

/** Every limit is a positive finite number the kernel can be told; anything else is refused. */
function checkLimits(limits: SandboxLimits): void {
  for (const [name, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new SandboxUnavailableError(`the limit ${name} cannot be enforced: it must be a positive finite number`);
    }
  }
  for (const name of ['memoryMb', 'pids', 'diskMb', 'openFiles', 'outputBytes'] as const) {
    if (!Number.isSafeInteger(limits[name]))
      throw new SandboxUnavailableError(`the limit ${name} cannot be enforced: it must be an integer`);
  }
}

/** An absolute executable path for `name` (looked up on the server's PATH when not absolute). */
async function findExecutable(name: string): Promise<string | undefined> {
  const candidates = path.isAbsolute(name)
    ? [name]
    : (process.env['PATH'] ?? '/usr/bin:/bin')
        .split(':')
        .filter((dir) => path.isAbsolute(dir))
        .map((dir) => path.join(dir, name));
  for (const candidate of candidates) {
    try {
      await fs.access(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
