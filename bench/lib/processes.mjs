/**
 * Child processes, each pinned to one core with `taskset`, and tracked so that every one of them
 * is killed at the end: on success, on failure, on an uncaught error and on Ctrl-C.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * @typedef {object} Pinned
 * @property {number} pid
 * @property {import('node:child_process').ChildProcess} child
 * @property {() => string} stdout everything it printed (when spawned with `stdout: 'pipe'`)
 * @property {() => string} stderr the last 4 KB it wrote to stderr
 * @property {Promise<{ code: number | null, signal: string | null }>} exit
 * @property {() => boolean} exited
 */

/** @type {Set<import('node:child_process').ChildProcess>} */
const live = new Set();
/** @type {(() => void)[]} */
const cleanups = [];

/**
 * Registers a synchronous clean-up (removing a temp directory…) that runs at exit whatever
 * happens; returns it, made idempotent, so that the normal path can run it earlier.
 * @param {() => void} fn
 */
export function atExit(fn) {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    fn();
  };
  cleanups.push(once);
  return once;
}

function cleanUp() {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
  for (const fn of cleanups.splice(0)) {
    try {
      fn();
    } catch {
      // best effort: the process is ending
    }
  }
}

let installed = false;

/** Kills every child and runs the clean-ups on exit, and on SIGINT/SIGTERM/SIGHUP. */
export function installCleanup() {
  if (installed) return;
  installed = true;
  process.once('exit', cleanUp);
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}: killing every child and stopping\n`);
      cleanUp();
      process.exit(130);
    });
  }
}

/** Throws unless `taskset` (util-linux) can be run. */
export function requireTaskset() {
  const result = spawnSync('taskset', ['--version'], { encoding: 'utf8', timeout: 5000 });
  if (result.error !== undefined || result.status !== 0) {
    throw new Error('taskset is missing: it pins each process to one core (Debian: apt-get install -y util-linux)');
  }
  return result.stdout.trim();
}

/**
 * Runs `command` pinned to core `cpu`. `taskset` execs the command, so the pid is the command's.
 * @param {number} cpu
 * @param {string} command
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, cwd?: string, stdout?: 'ignore' | 'pipe' }} [options]
 * @returns {Pinned}
 */
export function spawnPinned(cpu, command, args, options = {}) {
  const child = spawn('taskset', ['--cpu-list', String(cpu), command, ...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    // 'ignore' is /dev/null: a server's logs are written, and thrown away by the kernel.
    stdio: ['ignore', options.stdout ?? 'ignore', 'pipe'],
  });
  live.add(child);
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk) => (err = (err + chunk).slice(-4096)));
  let finished = false;
  const exit = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => {
      err += `\n${error.message}`;
      resolve({ code: null, signal: null });
    });
  }).then((status) => {
    finished = true;
    live.delete(child);
    return status;
  });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  return { pid: child.pid, child, stdout: () => out, stderr: () => err, exit, exited: () => finished };
}

/**
 * Waits for a pinned process to end by itself, at most `timeoutMs`; kills it after that.
 * @param {Pinned} pinned
 * @param {number} timeoutMs
 */
export async function waitForExit(pinned, timeoutMs) {
  const timer = sleep(timeoutMs, 'timeout', { ref: false });
  const outcome = await Promise.race([pinned.exit, timer]);
  if (outcome === 'timeout') {
    await stop(pinned);
    throw new Error(`pid ${pinned.pid} did not finish within ${Math.round(timeoutMs / 1000)} s and was killed`);
  }
  return /** @type {{ code: number | null, signal: string | null }} */ (outcome);
}

/**
 * SIGTERM, then SIGKILL after `graceMs`.
 * @param {Pinned} pinned
 * @param {number} [graceMs]
 */
export async function stop(pinned, graceMs = 5000) {
  if (pinned.exited()) return;
  pinned.child.kill('SIGTERM');
  const outcome = await Promise.race([pinned.exit, sleep(graceMs, 'timeout', { ref: false })]);
  if (outcome !== 'timeout') return;
  pinned.child.kill('SIGKILL');
  await Promise.race([pinned.exit, sleep(2000, undefined, { ref: false })]);
}

/** A port that was free on loopback a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** @param {number} port */
function connects(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    const done = (/** @type {boolean} */ ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/**
 * Waits until something accepts connections on 127.0.0.1:`port`; fails at once if the process
 * ends, and after `timeoutMs` otherwise.
 * @param {number} port
 * @param {Pinned} pinned
 * @param {number} [timeoutMs]
 */
export async function waitForPort(port, pinned, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pinned.exited()) throw new Error(`the server exited before listening on port ${port}:\n${pinned.stderr()}`);
    if (await connects(port)) return;
    await sleep(100);
  }
  throw new Error(`nothing listened on port ${port} within ${Math.round(timeoutMs / 1000)} s:\n${pinned.stderr()}`);
}

/**
 * The cores a process may run on, as the kernel says (`Cpus_allowed_list`), e.g. "0".
 * @param {number} pid
 */
export function allowedCpus(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return /^Cpus_allowed_list:\s*(\S+)/m.exec(status)?.[1] ?? 'unknown';
}
