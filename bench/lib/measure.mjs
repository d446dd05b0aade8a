/**
 * Measuring one server: start it pinned, check the answer, warm up, measure, check again, stop.
 * Every failure becomes a problem in the result (never an exception), and the server is always
 * stopped.
 */
import { checkLimiterCount, checkLoad, checkResponse, probe } from './checks.mjs';
import { waitForQuiet, watchCore } from './machine.mjs';
import { allowedCpus, freePort, stop, waitForPort } from './processes.mjs';
import { loadOf } from './settings.mjs';

/**
 * @typedef {object} SuiteServer
 * @property {string} id short name, used by ratios
 * @property {string} label
 * @property {import('./servers.mjs').Server} server
 * @property {import('./checks.mjs').Expectation} expect
 */

/**
 * @typedef {object} ServerResult
 * @property {string} id
 * @property {string} label
 * @property {string} command
 * @property {number} rps
 * @property {{ p50: number, p99: number }} latencyMs
 * @property {number} requests completed in the measured run
 * @property {number} cpuUsPerRequest the server's CPU time per request in the measured run, in µs
 * @property {import('./machine.mjs').CoreUse | undefined} core how busy the server's core was
 * @property {string[]} problems empty when every check passed
 * @property {string[]} notes
 * @property {string} raw the generator's report of the measured run
 */

/**
 * @param {SuiteServer} entry
 * @param {{ path: string, headers?: Record<string, string> }} target
 * @param {import('./settings.mjs').Settings} settings
 * @param {import('./generators.mjs').Generator} generator
 * @param {(line: string) => void} log
 * @returns {Promise<ServerResult>}
 */
export async function measureServer(entry, target, settings, generator, log) {
  /** @type {ServerResult} */
  const result = {
    id: entry.id,
    label: entry.label,
    command: entry.server.command,
    rps: 0,
    latencyMs: { p50: 0, p99: 0 },
    requests: 0,
    cpuUsPerRequest: 0,
    core: undefined,
    problems: [],
    notes: [],
    raw: '',
  };
  const port = await freePort();
  const url = `http://127.0.0.1:${port}${target.path}`;
  const headers = target.headers ?? {};
  const load = loadOf(settings, headers);
  if (settings.quietWait > 0 && !(await waitForQuiet(settings.quietWait))) {
    log(`  the machine was still busy after ${settings.quietWait} s: measuring anyway`);
    result.notes.push(`the machine was still busy after waiting ${settings.quietWait} s for it to be idle`);
  }
  const { pinned, cleanup } = entry.server.start(port, settings.serverCpu);
  try {
    await waitForPort(port, pinned);
    const cpus = allowedCpus(pinned.pid);
    if (cpus !== String(settings.serverCpu)) {
      result.problems.push(`the server may run on cores ${cpus}, not core ${settings.serverCpu} alone`);
    }
    const before = await probe(url, headers);
    result.problems.push(...checkResponse(before, entry.expect, 'before'));
    if (result.problems.length > 0) return result;

    let completed = 0;
    if (settings.warmup > 0) {
      log(`  ${entry.label}: warm-up ${settings.warmup} s`);
      const warm = await generator.run(url, { ...load, seconds: settings.warmup });
      result.problems.push(...checkLoad(warm, 'warm-up'));
      completed += warm.requests;
    }
    log(`  ${entry.label}: measuring ${settings.duration} s`);
    const watch = watchCore(settings.serverCpu, pinned.pid);
    const measured = await generator.run(url, load);
    const core = watch.stop();
    result.core = core;
    result.problems.push(...checkLoad(measured, 'measured run'));
    completed += measured.requests;
    Object.assign(result, { rps: measured.rps, latencyMs: measured.latencyMs, requests: measured.requests, raw: measured.raw });
    if (measured.requests > 0) result.cpuUsPerRequest = (core.serverCpuSeconds / measured.requests) * 1e6;

    const after = await probe(url, headers);
    result.problems.push(...checkResponse(after, entry.expect, 'after'));
    if (entry.expect.limiter !== undefined) {
      const count = checkLimiterCount(before, after, completed, entry.expect.limiter);
      result.problems.push(...count.problems);
      if (count.note !== '') result.notes.push(count.note);
    }
    if (pinned.exited()) result.problems.push('the server exited during the run');
  } catch (error) {
    result.problems.push(error instanceof Error ? error.message : String(error));
  } finally {
    await stop(pinned);
    cleanup();
  }
  return result;
}
