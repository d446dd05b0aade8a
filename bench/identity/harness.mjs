/**
 * What the identity suites share: a server started pinned and always stopped, the load script
 * (bench/identity/load.mjs) run pinned to the load core, rounds with per-round ratios and their
 * medians, and the printing of a table. Built on bench/lib (the same pinning, quiet wait, core
 * watch and generator as the healthz suite).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitForQuiet, watchCore } from '../lib/machine.mjs';
import { allowedCpus, freePort, spawnPinned, stop, waitForExit, waitForPort } from '../lib/processes.mjs';
import { formatTable } from '../lib/report.mjs';
import { ROOT } from '../lib/servers.mjs';

/**
 * @typedef {object} Started
 * @property {string} base e.g. http://127.0.0.1:40123
 * @property {import('../lib/processes.mjs').Pinned} pinned
 * @property {string[]} problems
 * @property {string[]} notes
 */

/**
 * Starts `server` pinned to the server core (after waiting for quiet), runs `body`, stops it.
 * Problems (never exceptions) are collected in the result `body` returns.
 * @template {{ problems: string[], notes: string[] }} R
 * @param {import('../lib/servers.mjs').Server} server
 * @param {import('../lib/settings.mjs').Settings} settings
 * @param {(line: string) => void} log
 * @param {R} result
 * @param {(started: Started) => Promise<void>} body
 * @returns {Promise<R>}
 */
export async function withServer(server, settings, log, result, body) {
  const port = await freePort();
  if (settings.quietWait > 0 && !(await waitForQuiet(settings.quietWait))) {
    log(`  the machine was still busy after ${settings.quietWait} s: measuring anyway`);
    result.notes.push(`the machine was still busy after waiting ${settings.quietWait} s for it to be idle`);
  }
  const { pinned, cleanup } = server.start(port, settings.serverCpu);
  try {
    await waitForPort(port, pinned);
    const cpus = allowedCpus(pinned.pid);
    if (cpus !== String(settings.serverCpu))
      result.problems.push(`the server may run on cores ${cpus}, not core ${settings.serverCpu} alone`);
    await body({ base: `http://127.0.0.1:${port}`, pinned, problems: result.problems, notes: result.notes });
    if (pinned.exited()) result.problems.push('the server exited during the run');
  } catch (error) {
    result.problems.push(error instanceof Error ? error.message : String(error));
  } finally {
    await stop(pinned);
    cleanup();
  }
  return result;
}

/**
 * Runs `during` while watching the server core; returns its value and the core's use.
 * @template T
 * @param {import('../lib/settings.mjs').Settings} settings
 * @param {number} pid
 * @param {() => Promise<T>} during
 */
export async function watched(settings, pid, during) {
  const watch = watchCore(settings.serverCpu, pid);
  try {
    const value = await during();
    return { value, core: watch.stop() };
  } catch (error) {
    watch.stop();
    throw error;
  }
}

/** The CPU time (s) a process used so far, from /proc/<pid>/stat (utime + stime). @param {number} pid */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // After "pid (comm) ": utime and stime are fields 14 and 15 of proc(5), in clock ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Waits until the server has finished the work a load run left behind (requests the generator
 * abandoned when it stopped: a slow sign-in keeps hashing after its client went away), i.e. until
 * it used under 5% of a core for half a second, at most `maxSeconds`. Returns whether it did.
 * @param {number} pid
 * @param {number} maxSeconds
 */
export async function waitForServerIdle(pid, maxSeconds) {
  const deadline = Date.now() + maxSeconds * 1000;
  let last = cpuSeconds(pid);
  while (Date.now() < deadline) {
    await sleep(500);
    const now = cpuSeconds(pid);
    if (now - last < 0.025) return true;
    last = now;
  }
  return false;
}

/**
 * @typedef {object} ScriptLoad
 * @property {number} seconds
 * @property {number} requests
 * @property {Record<string, number>} byStatus
 * @property {number} accepted 2xx answers
 * @property {{ p50: number, p99: number, max: number }} acceptedLatencyMs
 * @property {{ p50: number, p99: number }} refusedLatencyMs of the 429s
 * @property {number} errors
 * @property {number} timeouts
 * @property {number} brokenChains refresh answers that were not 200 (the chain of that connection broke)
 */

/**
 * bench/identity/load.mjs (autocannon) pinned to the load core.
 * @param {import('../lib/settings.mjs').Settings} settings
 * @param {object} spec
 * @returns {Promise<ScriptLoad>}
 */
export async function runLoadScript(settings, spec) {
  const script = path.join(ROOT, 'bench/identity/load.mjs');
  const pinned = spawnPinned(settings.loadCpu, process.execPath, [script, JSON.stringify(spec)], { cwd: ROOT, stdout: 'pipe' });
  // Bounded: the expected length (a fixed amount of requests may take longer), plus time to report.
  const status = await waitForExit(pinned, /** @type {{ seconds: number }} */ (spec.seconds * 3 + 120) * 1000);
  if (status.code !== 0)
    throw new Error(`the load script failed (exit ${status.code ?? status.signal}):\n${pinned.stderr()}${pinned.stdout()}`);
  const line = pinned
    .stdout()
    .trim()
    .split('\n')
    .findLast((candidate) => candidate.startsWith('{'));
  if (line === undefined) throw new Error(`the load script printed no report:\n${pinned.stdout()}`);
  return JSON.parse(line);
}

/** @param {number[]} values */
export function median(values) {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * @param {string} label
 * @param {number[]} values
 */
export function spread(label, values) {
  return { label, value: median(values), min: Math.min(...values), max: Math.max(...values) };
}

export const integer = (/** @type {number} */ value) => Math.round(value).toLocaleString('en-US');
export const ms = (/** @type {number} */ value) => `${value.toFixed(2)} ms`;
export const percent = (/** @type {number} */ value) => `${(value * 100).toFixed(1)}%`;
export const times = (/** @type {number} */ value) => `${value.toFixed(2)}×`;

/**
 * The lines of an invalid suite: loud, and no figure.
 * @param {string} name
 * @param {{ label: string, problems: string[] }[]} servers
 */
export function invalidLines(name, servers) {
  const bang = '!'.repeat(78);
  const lines = [bang, `!! BENCHMARK "${name}" IS INVALID: a check failed, so no figure is printed.`];
  for (const server of servers) for (const problem of server.problems) lines.push(`!! ${server.label}: ${problem}`);
  lines.push(bang);
  return lines;
}

/**
 * Warnings about a disturbed measurement (the same thresholds as bench/lib/report.mjs).
 * @param {string} label
 * @param {(import('../lib/machine.mjs').CoreUse | undefined)[]} cores one per round
 */
export function coreWarnings(label, cores) {
  const lines = [];
  cores.forEach((core, index) => {
    if (core === undefined) return;
    if (core.othersShare > 0.05)
      lines.push(`  WARNING: ${label}, round ${index + 1}: other processes took ${percent(core.othersShare)} of the server's core`);
    if (core.stealShare > 0.05)
      lines.push(`  WARNING: ${label}, round ${index + 1}: the hypervisor took ${percent(core.stealShare)} of the server's core`);
  });
  return lines;
}

export { formatTable };
