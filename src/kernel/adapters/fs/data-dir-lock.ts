/**
 * The data directory's lock: one process at a time serves, or writes to, an embedded (SQLite)
 * data directory. Two servers on one directory would each keep their own revocations, caches and
 * schedules in memory — a logout on one would leave the other accepting the token — so the second
 * is refused, naming the holder.
 *
 * The lock is `<dataDir>/rampart.lock`, created with O_EXCL (mode 0600) and holding the holder's
 * pid, its role (`serve` or `command`) and when it took it. A lock whose pid no longer runs is
 * stale (a process killed with SIGKILL, a machine that rebooted): it is removed and taken over.
 * The holder releases it on `release()` and, as a last resort, on process exit; only the holder's
 * own lock is ever removed.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** The lock file's name inside the data directory. */
export const LOCK_FILE = 'rampart.lock';

/** Who holds a data directory. */
export interface LockHolder {
  readonly pid: number;
  /** `serve`: a server; `command`: a CLI command writing without a server. */
  readonly role: 'serve' | 'command';
  /** When the holder took the lock (ms). */
  readonly since: number;
}

/** A held lock; `release` is idempotent. */
export interface DataDirLock {
  readonly path: string;
  readonly holder: LockHolder;
  release(): void;
}

/** The data directory is held by another live process; the message names it and what to do. */
export class DataDirLockedError extends Error {
  readonly holder: LockHolder;

  constructor(dataDir: string, holder: LockHolder, wanted: LockHolder['role']) {
    super(lockedMessage(dataDir, holder, wanted));
    this.name = 'DataDirLockedError';
    this.holder = holder;
  }
}

function lockedMessage(dataDir: string, holder: LockHolder, wanted: LockHolder['role']): string {
  const since = new Date(holder.since).toISOString();
  if (holder.role === 'serve' && wanted === 'serve') {
    return (
      `another Rampart server (pid ${holder.pid}, since ${since}) is serving the data directory ${dataDir}: ` +
      'two servers on one SQLite data directory would not see each other’s sign-outs and revocations. ' +
      `Stop it first (kill ${holder.pid}), or run several servers on PostgreSQL and Redis (RAMPART_DATABASE_URL, RAMPART_REDIS_URL)`
    );
  }
  if (holder.role === 'serve') {
    return (
      `a Rampart server (pid ${holder.pid}, since ${since}) is serving the data directory ${dataDir}: ` +
      'a command that writes here must go through it — run the command against the server with the remote CLI ' +
      `(rampart login <its URL>), or stop it first (kill ${holder.pid}); \`rampart admin recover\` goes through it by itself`
    );
  }
  return `a rampart command (pid ${holder.pid}, since ${since}) is writing to the data directory ${dataDir}: start again once it has finished`;
}

/** Whether `pid` names a running process (EPERM: it runs, as another user). */
function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid !== 'number' || (value.role !== 'serve' && value.role !== 'command')) return undefined;
    return { pid: value.pid, role: value.role, since: typeof value.since === 'number' ? value.since : 0 };
  } catch {
    return undefined;
  }
}

/** The path of the lock of `dataDir`. */
export function lockPath(dataDir: string): string {
  return join(dataDir, LOCK_FILE);
}

/**
 * The live holder of `dataDir`'s lock, or `undefined` when it is free or stale. A lock file that
 * does not parse (a holder killed between creating and writing it) counts as stale.
 */
export function readLockHolder(dataDir: string): LockHolder | undefined {
  let text: string;
  try {
    text = readFileSync(lockPath(dataDir), 'utf8');
  } catch {
    return undefined;
  }
  const holder = parseHolder(text);
  return holder !== undefined && alive(holder.pid) ? holder : undefined;
}

function removeIfStale(path: string, dataDir: string): void {
  if (readLockHolder(dataDir) !== undefined) return;
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Takes the lock of `dataDir` for this process, or throws {@link DataDirLockedError} naming the
 * live holder. The data directory must exist (prepareDataDirectory).
 */
export function acquireDataDirLock(dataDir: string, role: LockHolder['role'], now: number = Date.now()): DataDirLock {
  const path = lockPath(dataDir);
  const holder: LockHolder = Object.freeze({ pid: process.pid, role, since: now });
  // Two tries: the second after removing a stale lock (another taker may win that race: it then holds it).
  for (let attempt = 0; attempt < 2; attempt += 1) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const live = readLockHolder(dataDir);
      if (live !== undefined) throw new DataDirLockedError(dataDir, live, role);
      removeIfStale(path, dataDir);
      continue;
    }
    try {
      writeSync(fd, `${JSON.stringify(holder)}\n`);
    } finally {
      closeSync(fd);
    }
    return heldLock(path, holder);
  }
  const live = readLockHolder(dataDir);
  throw new DataDirLockedError(dataDir, live ?? holder, role);
}

function heldLock(path: string, holder: LockHolder): DataDirLock {
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    try {
      // Only our own lock: a file another process took after ours was removed stays.
      if (parseHolder(readFileSync(path, 'utf8'))?.pid === holder.pid) unlinkSync(path);
    } catch {
      // Already gone: nothing to release.
    }
  };
  process.on('exit', release);
  return Object.freeze({ path, holder, release });
}

/**
 * What a CLI command that writes does before it opens an embedded data directory: takes the lock
 * as `command` when it is free (a server started meanwhile is refused, naming the command), goes
 * on without it when another command holds it (commands keep nothing in memory between them), and
 * is refused with {@link DataDirLockedError} when a server holds it.
 */
export function holdForCommand(dataDir: string): DataDirLock | undefined {
  try {
    return acquireDataDirLock(dataDir, 'command');
  } catch (error) {
    if (error instanceof DataDirLockedError && error.holder.role === 'command') return undefined;
    throw error;
  }
}
