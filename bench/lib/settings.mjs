/**
 * The harness's knobs, all from the environment so that a quick run is one line:
 * `BENCH_WARMUP=2 BENCH_DURATION=3 npm run bench`.
 */
import process from 'node:process';

/** @typedef {'auto' | 'wrk' | 'autocannon'} GeneratorChoice */

/**
 * @typedef {object} Settings
 * @property {number} warmup seconds of load before measuring (0: none)
 * @property {number} duration seconds measured
 * @property {number} rounds how many times each server is measured (interleaved; medians are reported)
 * @property {number} connections open connections of the load generator
 * @property {number} threads load-generator threads (wrk -t)
 * @property {GeneratorChoice} generator which load generator to use
 * @property {number} serverCpu the core every server is pinned to
 * @property {number} loadCpu the core the load generator is pinned to
 * @property {number} quietWait seconds to wait at most, before each server, for the machine to be idle (0: don't)
 */

/**
 * @param {string} name
 * @param {number} fallback
 * @param {number} min
 * @param {NodeJS.ProcessEnv} env
 */
function wholeNumber(name, fallback, min, env) {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min) throw new Error(`${name} must be a whole number of at least ${min}`);
  return Number(raw);
}

/**
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {Settings}
 */
export function loadSettings(env = process.env) {
  const generator = (env.BENCH_GENERATOR ?? 'auto').trim();
  if (generator !== 'auto' && generator !== 'wrk' && generator !== 'autocannon') {
    throw new Error('BENCH_GENERATOR must be auto, wrk or autocannon');
  }
  const settings = {
    warmup: wholeNumber('BENCH_WARMUP', 10, 0, env),
    duration: wholeNumber('BENCH_DURATION', 15, 1, env),
    rounds: wholeNumber('BENCH_ROUNDS', 3, 1, env),
    connections: wholeNumber('BENCH_CONNECTIONS', 50, 1, env),
    threads: wholeNumber('BENCH_THREADS', 1, 1, env),
    generator,
    serverCpu: wholeNumber('BENCH_SERVER_CPU', 0, 0, env),
    loadCpu: wholeNumber('BENCH_LOAD_CPU', 1, 0, env),
    quietWait: wholeNumber('BENCH_QUIET_WAIT', 60, 0, env),
  };
  if (settings.serverCpu === settings.loadCpu) throw new Error('BENCH_SERVER_CPU and BENCH_LOAD_CPU must be different cores');
  return Object.freeze(settings);
}

/**
 * The load the generator puts on a server for the measured run (a warm-up is the same with
 * `seconds: settings.warmup`): the settings' duration, connections, threads and core, with these
 * request headers.
 * @param {Settings} settings
 * @param {Record<string, string>} headers
 * @param {{ timeoutSeconds?: number }} [options] wrk's per-request timeout (its default is 2 s)
 */
export function loadOf(settings, headers, options = {}) {
  return {
    seconds: settings.duration,
    connections: settings.connections,
    threads: settings.threads,
    cpu: settings.loadCpu,
    headers: Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ...(options.timeoutSeconds === undefined ? {} : { timeoutSeconds: options.timeoutSeconds }),
  };
}
