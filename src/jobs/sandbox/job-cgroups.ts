/**
 * Per-job control groups: the kernel's pids and memory limits for a job's whole process tree, its
 * CPU and memory usage, and a way to kill every process in it. Two layouts:
 * - cgroup v1 (this project's CI: `pids`, `memory` and `cpuacct` hierarchies mounted separately):
 *   one directory per job under the server's own cgroup in each hierarchy;
 * - cgroup v2 (unified): one directory per job under a delegated directory (`cgroupRoot`, whose
 *   `cgroup.subtree_control` enables `pids` and `memory`), or under the server's own cgroup when
 *   that one already delegates them.
 * {@link detectJobCgroups} answers which one this machine gives, or why neither can be had; it
 * proves it by creating and removing a probe group, so a "yes" is a real capability, and removes
 * the empty groups a server that died long ago left behind.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomToken } from '../../kernel/crypto/random.js';

export interface JobCgroupLimits {
  /** Processes and threads in the group (the job's, plus the sandbox's pid 1). */
  readonly pids: number;
  readonly memoryBytes: number;
}

export interface JobCgroup {
  /** The group's directories (one per v1 hierarchy, one in v2). */
  readonly dirs: readonly string[];
  /** Moves one process (the sandbox's pid 1, before it runs anything) into the group. */
  attach(pid: number): Promise<void>;
  /** CPU time used by everything that ran in the group, in milliseconds. */
  cpuMs(): Promise<number>;
  /** The peak memory of the group in KiB (0 when the kernel keeps no peak). */
  maxRssKb(): Promise<number>;
  /** True when the kernel's OOM killer acted on the group because of its limit. */
  memoryLimitHit(): Promise<boolean>;
  /** Kills every process in the group and waits until it is empty (true) or gives up (false). */
  killAll(): Promise<boolean>;
  /** Removes the group (after killAll). */
  remove(): Promise<void>;
}

export interface JobCgroups {
  readonly version: 1 | 2;
  /** Where job groups are created, per controller, for `doctor`. */
  readonly where: string;
  create(name: string, limits: JobCgroupLimits): Promise<JobCgroup>;
}

export type CgroupDetection = { readonly ok: true; readonly cgroups: JobCgroups } | { readonly ok: false; readonly reason: string };

const CGROUP_FS = '/sys/fs/cgroup';
const JOBS_DIR = 'rampart-jobs';

/** Finds the layout this machine gives (see the module comment); `root` forces cgroup v2 there. */
export async function detectJobCgroups(root?: string): Promise<CgroupDetection> {
  try {
    if (root !== undefined) return await probe(await v2At(root));
    const own = await ownCgroups();
    const v1 = await v1Layout(own);
    if (v1 !== undefined) return await probe(v1);
    const unified = own.get('');
    if (unified === undefined) return { ok: false, reason: 'no cgroup v1 pids/memory/cpuacct hierarchy and no cgroup v2' };
    return await probe(await v2At(path.join(CGROUP_FS, unified)));
  } catch (error) {
    return { ok: false, reason: reasonOf(error) };
  }
}

async function probe(cgroups: JobCgroups): Promise<CgroupDetection> {
  const group = await cgroups.create(`probe-${randomToken(8)}`, { pids: 8, memoryBytes: 64 * 1024 * 1024 });
  await group.remove();
  await sweepStale(group.dirs.map((dir) => path.dirname(dir)));
  return { ok: true, cgroups };
}

/** A job group older than this with no process left is a leftover of a server that died. */
const STALE_MS = 10 * 60 * 1000;

/**
 * Removes leftover job groups (a server that died mid-run leaves them empty: its jobs died with it
 * through `--die-with-parent`). Only old ones: a group another instance has just created is empty
 * for a moment too. rmdir refuses a group that still has processes, so nothing running is touched.
 */
async function sweepStale(parents: readonly string[]): Promise<void> {
  for (const parent of parents) {
    const names = await fs.readdir(parent).catch(() => [] as string[]);
    for (const name of names) {
      if (!name.startsWith('job-') && !name.startsWith('probe-')) continue;
      const dir = path.join(parent, name);
      const stat = await fs.stat(dir).catch(() => undefined);
      if (stat?.isDirectory() === true && Date.now() - stat.mtimeMs > STALE_MS) await fs.rmdir(dir).catch(() => undefined);
    }
  }
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  return code === undefined ? message : `${message} (${code})`;
}

/** The server's own cgroup path per v1 controller, and under '' its v2 path. */
async function ownCgroups(): Promise<Map<string, string>> {
  const text = await fs.readFile('/proc/self/cgroup', 'utf8');
  const own = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line);
    if (match === null) continue;
    const [, controllers = '', where = '/'] = match;
    for (const c of controllers.split(',')) own.set(c, where);
  }
  return own;
}

/** v1 mount points per controller, from /proc/self/mountinfo. */
async function v1Mounts(): Promise<Map<string, string>> {
  const text = await fs.readFile('/proc/self/mountinfo', 'utf8');
  const mounts = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    if (left === undefined || right === undefined) continue;
    const [fstype, , options = ''] = right.split(' ');
    if (fstype !== 'cgroup') continue;
    const mountPoint = left.split(' ')[4];
    if (mountPoint === undefined) continue;
    for (const option of options.split(',')) mounts.set(option, mountPoint);
  }
  return mounts;
}

async function v1Layout(own: Map<string, string>): Promise<JobCgroups | undefined> {
  const mounts = await v1Mounts();
  const dirs: Record<'pids' | 'memory' | 'cpuacct', string> = { pids: '', memory: '', cpuacct: '' };
  for (const controller of ['pids', 'memory', 'cpuacct'] as const) {
    const mount = mounts.get(controller);
    const where = own.get(controller);
    if (mount === undefined || where === undefined) return undefined;
    dirs[controller] = path.join(mount, where, JOBS_DIR);
  }
  return new V1Cgroups(dirs);
}

async function v2At(root: string): Promise<JobCgroups> {
  const enabled = (await fs.readFile(path.join(root, 'cgroup.subtree_control'), 'utf8')).split(/\s+/);
  for (const controller of ['pids', 'memory']) {
    if (!enabled.includes(controller)) {
      throw new Error(`cgroup v2 directory ${root} does not delegate the ${controller} controller to its children`);
    }
  }
  return new V2Cgroups(root, enabled.includes('cpu'));
}

async function readNumber(file: string): Promise<number> {
  const text = await fs.readFile(file, 'utf8');
  const value = Number(text.trim());
  return Number.isFinite(value) ? value : 0;
}

async function readKeyed(file: string, key: string): Promise<number> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  const line = text.split('\n').find((l) => l.startsWith(`${key} `));
  return line === undefined ? 0 : Number(line.slice(key.length + 1)) || 0;
}

async function pidsIn(dir: string): Promise<number[]> {
  const text = await fs.readFile(path.join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map(Number);
}

async function killUntilEmpty(dir: string): Promise<boolean> {
  for (let round = 0; round < 100; round += 1) {
    const pids = await pidsIn(dir);
    if (pids.length === 0) return true;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

async function removeDir(dir: string): Promise<void> {
  for (let round = 0; round < 50; round += 1) {
    try {
      await fs.rmdir(dir);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY') throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  throw new Error(`cgroup ${dir} still has processes`);
}

class V1Cgroups implements JobCgroups {
  readonly version = 1 as const;
  readonly where: string;
  readonly #dirs: Record<'pids' | 'memory' | 'cpuacct', string>;

  constructor(dirs: Record<'pids' | 'memory' | 'cpuacct', string>) {
    this.#dirs = dirs;
    this.where = `v1 ${dirs.pids}, ${dirs.memory}, ${dirs.cpuacct}`;
  }

  async create(name: string, limits: JobCgroupLimits): Promise<JobCgroup> {
    const pids = path.join(this.#dirs.pids, name);
    const memory = path.join(this.#dirs.memory, name);
    const cpuacct = path.join(this.#dirs.cpuacct, name);
    const made: string[] = [];
    try {
      for (const dir of [pids, memory, cpuacct]) {
        await fs.mkdir(dir, { recursive: true });
        made.push(dir);
      }
      await fs.writeFile(path.join(pids, 'pids.max'), String(limits.pids));
      await fs.writeFile(path.join(memory, 'memory.limit_in_bytes'), String(limits.memoryBytes));
      // With swap accounting the limit must cover memory plus swap too, or swap escapes it.
      await fs.writeFile(path.join(memory, 'memory.memsw.limit_in_bytes'), String(limits.memoryBytes)).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      });
    } catch (error) {
      for (const dir of made.reverse()) await fs.rmdir(dir).catch(() => undefined);
      throw error;
    }
    return {
      dirs: [pids, memory, cpuacct],
      attach: async (pid) => {
        for (const dir of [pids, memory, cpuacct]) await fs.writeFile(path.join(dir, 'cgroup.procs'), String(pid));
      },
      cpuMs: async () => (await readNumber(path.join(cpuacct, 'cpuacct.usage'))) / 1e6,
      maxRssKb: async () => Math.round((await readNumber(path.join(memory, 'memory.max_usage_in_bytes'))) / 1024),
      memoryLimitHit: async () => (await readKeyed(path.join(memory, 'memory.oom_control'), 'oom_kill')) > 0,
      killAll: async () => killUntilEmpty(pids),
      remove: async () => {
        for (const dir of [pids, memory, cpuacct]) await removeDir(dir);
      },
    };
  }
}

class V2Cgroups implements JobCgroups {
  readonly version = 2 as const;
  readonly where: string;
  readonly #root: string;

  constructor(root: string, cpu: boolean) {
    this.#root = root;
    this.where = `v2 ${root}${cpu ? '' : ' (cpu controller not delegated: cpu time from cpu.stat only)'}`;
  }

  async create(name: string, limits: JobCgroupLimits): Promise<JobCgroup> {
    const dir = path.join(this.#root, name);
    await fs.mkdir(dir);
    try {
      await fs.writeFile(path.join(dir, 'pids.max'), String(limits.pids));
      await fs.writeFile(path.join(dir, 'memory.max'), String(limits.memoryBytes));
      await fs.writeFile(path.join(dir, 'memory.swap.max'), '0').catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      });
    } catch (error) {
      await fs.rmdir(dir).catch(() => undefined);
      throw error;
    }
    return {
      dirs: [dir],
      attach: async (pid) => fs.writeFile(path.join(dir, 'cgroup.procs'), String(pid)),
      cpuMs: async () => (await readKeyed(path.join(dir, 'cpu.stat'), 'usage_usec')) / 1000,
      maxRssKb: async () => Math.round((await readNumber(path.join(dir, 'memory.peak')).catch(() => 0)) / 1024),
      memoryLimitHit: async () => (await readKeyed(path.join(dir, 'memory.events'), 'oom_kill')) > 0,
      killAll: async () => {
        await fs.writeFile(path.join(dir, 'cgroup.kill'), '1').catch(() => undefined);
        return killUntilEmpty(dir);
      },
      remove: async () => removeDir(dir),
    };
  }
}
