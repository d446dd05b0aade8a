/** What the figures were measured on, and how busy the server's core was while they were. */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * @typedef {object} Machine
 * @property {string} cpu
 * @property {number} cores
 * @property {number} memoryGiB
 * @property {string} node
 * @property {string} os
 * @property {string} date ISO 8601
 * @property {number[]} loadAverage 1, 5 and 15 minutes, when the run started
 */

/** @returns {Machine} */
export function machineInfo() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  return {
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    date: new Date().toISOString(),
    loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
  };
}

/**
 * A line of /proc/stat ("cpu" for all cores together, "cpu0" for core 0…), in clock ticks: `task`
 * is time in user, nice and system (what processes ran), `idle` idle and I/O wait, `steal` what the
 * hypervisor gave to other machines, `total` everything, interrupts included.
 * @param {string} name
 */
function statTicks(name) {
  const line = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((candidate) => candidate.startsWith(`${name} `));
  if (line === undefined) throw new Error(`/proc/stat has no ${name}`);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number);
  return { task: user + nice + system, idle: idle + iowait, steal, total: user + nice + system + idle + iowait + irq + softirq + steal };
}

/**
 * Waits, at most `maxSeconds`, until the whole machine has been nearly idle (under 10% busy) for
 * three seconds in a row, so that a server is not measured while something else runs (tests on
 * a shared machine). Returns whether it got quiet; the figures say later if it did not stay so.
 * @param {number} maxSeconds
 */
export async function waitForQuiet(maxSeconds) {
  const deadline = Date.now() + maxSeconds * 1000;
  let quietSeconds = 0;
  let last = statTicks('cpu');
  while (quietSeconds < 3) {
    if (Date.now() >= deadline) return false;
    await sleep(1000);
    const now = statTicks('cpu');
    const busy = (now.task - last.task) / Math.max(1, now.total - last.total);
    last = now;
    quietSeconds = busy < 0.1 ? quietSeconds + 1 : 0;
  }
  return true;
}

/**
 * A process's CPU time (user + system, all its threads) from /proc/<pid>/stat, in clock ticks.
 * @param {number} pid
 */
function processTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * @typedef {object} CoreUse
 * @property {number} serverShare the share of its core the server used
 * @property {number} othersShare the share of that core other processes took meanwhile
 * @property {number} idleShare the share of that core that was idle
 * @property {number} stealShare the share the hypervisor gave to other machines (steal time)
 * @property {number} serverCpuSeconds the server's CPU time (all its threads)
 */

/**
 * Starts watching the server's core; `stop()` says how much of it the server used, and how much
 * other processes took from it meanwhile. The server's CPU time is the figure that a busy machine
 * disturbs least: divided by the requests, it is the cost of one request.
 * @param {number} cpu
 * @param {number} pid
 */
export function watchCore(cpu, pid) {
  const core = statTicks(`cpu${cpu}`);
  const own = processTicks(pid);
  const started = performance.now();
  return {
    /** @returns {CoreUse} */
    stop() {
      const seconds = (performance.now() - started) / 1000;
      const coreNow = statTicks(`cpu${cpu}`);
      // One core's ticks add up to its wall time, whatever the tick rate.
      const total = Math.max(1, coreNow.total - core.total);
      const server = processTicks(pid) - own;
      const others = Math.max(0, coreNow.task - core.task - server);
      return {
        serverShare: Math.min(1, server / total),
        othersShare: others / total,
        idleShare: (coreNow.idle - core.idle) / total,
        stealShare: (coreNow.steal - core.steal) / total,
        serverCpuSeconds: (server / total) * seconds,
      };
    },
  };
}
