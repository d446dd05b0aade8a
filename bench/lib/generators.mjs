/**
 * The load generator: wrk when it is there (installing Debian's package when it is missing and
 * we are root), autocannon otherwise. Either runs pinned to its own core.
 */
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { autocannonArgs, autocannonCommand, parseAutocannon } from './autocannon.mjs';
import { spawnPinned, waitForExit } from './processes.mjs';
import { parseWrk, wrkArgs } from './wrk.mjs';

/**
 * @typedef {object} Load
 * @property {number} seconds
 * @property {number} connections
 * @property {number} threads
 * @property {number} cpu the core the generator runs on
 * @property {string[]} [headers] extra request headers, "Name: value"
 * @property {number} [timeoutSeconds] an answer slower than this is a timeout (the generator's default when unset)
 */

/**
 * @typedef {object} Generator
 * @property {'wrk' | 'autocannon'} name
 * @property {string} version
 * @property {(url: string, load: Load) => Promise<import('./wrk.mjs').LoadResult>} run
 */

/** wrk's version line, or undefined when it is not installed. */
function wrkVersion() {
  const result = spawnSync('wrk', ['--version'], { encoding: 'utf8', timeout: 5000 });
  if (result.error !== undefined) return undefined;
  // wrk prints its version, then its usage, and exits 1.
  return `${result.stdout}${result.stderr}`.split('\n')[0]?.split(' Copyright')[0]?.trim() || 'wrk';
}

/** @param {string[]} args */
function aptGet(args) {
  const result = spawnSync('apt-get', args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 300_000,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return result.error === undefined && result.status === 0;
}

/** Installs Debian's wrk when we are root; returns whether it worked. */
function installWrk() {
  if (process.getuid?.() !== 0) {
    process.stdout.write('bench: wrk is not installed and we are not root (apt-get install -y wrk)\n');
    return false;
  }
  process.stdout.write('bench: wrk is not installed; apt-get install -y wrk\n');
  if (aptGet(['install', '-y', '--no-install-recommends', 'wrk'])) return true;
  process.stdout.write('bench: retrying after apt-get update\n');
  return aptGet(['update']) && aptGet(['install', '-y', '--no-install-recommends', 'wrk']);
}

/**
 * @param {Load} load
 * @param {string} command
 * @param {string[]} args
 * @param {(text: string) => import('./wrk.mjs').LoadResult} parse
 */
async function runPinned(load, command, args, parse) {
  const pinned = spawnPinned(load.cpu, command, args, { stdout: 'pipe' });
  // Bounded: the run's own length, plus time to connect and report.
  const status = await waitForExit(pinned, (load.seconds + 30) * 1000);
  if (status.code !== 0) throw new Error(`${command} failed (exit ${status.code ?? status.signal}):\n${pinned.stderr()}${pinned.stdout()}`);
  return parse(pinned.stdout());
}

/** @returns {Generator} */
function wrk(version) {
  return { name: 'wrk', version, run: (url, load) => runPinned(load, 'wrk', wrkArgs(url, load), parseWrk) };
}

/** @returns {Generator} */
function autocannon() {
  const { command, script } = autocannonCommand();
  const version = spawnSync(command, [script, '--version'], { encoding: 'utf8', timeout: 10_000 }).stdout.split('\n')[0]?.trim() ?? '';
  return {
    name: 'autocannon',
    version: version || 'autocannon',
    run: (url, load) => runPinned(load, command, [script, ...autocannonArgs(url, load)], parseAutocannon),
  };
}

/**
 * @param {'auto' | 'wrk' | 'autocannon'} choice
 * @returns {Generator}
 */
export function chooseGenerator(choice) {
  if (choice === 'autocannon') return autocannon();
  let version = wrkVersion();
  if (version === undefined && installWrk()) version = wrkVersion();
  if (version !== undefined) return wrk(version);
  if (choice === 'wrk') throw new Error('BENCH_GENERATOR=wrk but wrk is not installed and could not be installed');
  process.stdout.write('bench: WARNING: falling back to autocannon; being JavaScript, it may saturate before a fast server does\n');
  return autocannon();
}
