/**
 * `npm run bench [-- <suite>...]`: runs every benchmark in bench/suites/ (or the ones named),
 * prints the machine, each suite's table, ratios and goals, and writes everything to
 * .bench/results-<date>.json. Exit code: 0 when every check passed (whether or not a goal was
 * met: goals are measured, not asserted), 1 when a check failed, 2 when the run could not start.
 * Knobs: BENCH_WARMUP, BENCH_DURATION, BENCH_ROUNDS, BENCH_CONNECTIONS, BENCH_THREADS,
 * BENCH_GENERATOR, BENCH_SERVER_CPU, BENCH_LOAD_CPU, BENCH_QUIET_WAIT (lib/settings.mjs, BENCHMARKS.md).
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { chooseGenerator } from './lib/generators.mjs';
import { machineInfo } from './lib/machine.mjs';
import { installCleanup, requireTaskset } from './lib/processes.mjs';
import { describeRun, describeSuite } from './lib/report.mjs';
import { requireBuild, ROOT } from './lib/servers.mjs';
import { loadSettings } from './lib/settings.mjs';
import { runSuite } from './lib/suite.mjs';

const log = (/** @type {string} */ line) => process.stdout.write(`${line}\n`);

/**
 * The suites in bench/suites/, in file order, or those named (in the order named).
 * @param {string[]} names
 * @returns {Promise<import('./lib/suite.mjs').Suite[]>}
 */
async function loadSuites(names) {
  const directory = path.join(ROOT, 'bench/suites');
  const files = readdirSync(directory)
    .filter((file) => file.endsWith('.mjs'))
    .sort();
  /** @type {import('./lib/suite.mjs').Suite[]} */
  const suites = [];
  for (const file of files) suites.push((await import(pathToFileURL(path.join(directory, file)).href)).default);
  if (names.length === 0) return suites;
  return names.map((name) => {
    const suite = suites.find((candidate) => candidate.name === name);
    if (suite === undefined) throw new Error(`no suite "${name}"; there are: ${suites.map((candidate) => candidate.name).join(', ')}`);
    return suite;
  });
}

/**
 * @param {object} results
 * @param {string} date
 */
function writeResults(results, date) {
  const directory = path.join(ROOT, '.bench');
  mkdirSync(directory, { recursive: true });
  const file = path.join(directory, `results-${date.slice(0, 19).replace(/:/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return path.relative(process.cwd(), file);
}

async function main() {
  installCleanup();
  const settings = loadSettings();
  requireTaskset();
  requireBuild();
  const cores = os.cpus().length;
  if (Math.max(settings.serverCpu, settings.loadCpu) >= cores) {
    throw new Error(`this machine has ${cores} core(s): the server and the generator each need one of their own`);
  }
  const suites = await loadSuites(process.argv.slice(2));
  const generator = chooseGenerator(settings.generator);
  const machine = machineInfo();
  describeRun(machine, settings, generator).forEach(log);

  const results = [];
  for (const suite of suites) {
    log(`\nRunning ${suite.name}...`);
    // A suite with its own `run` and `describe` (bench/suites/identity-*.mjs) measures and prints itself.
    const result = suite.run === undefined ? await runSuite(suite, settings, generator, log) : await suite.run(settings, generator, log);
    results.push(result);
    (suite.describe ?? describeSuite)(result).forEach(log);
  }
  const file = writeResults(
    { machine, settings, generator: { name: generator.name, version: generator.version }, suites: results },
    machine.date,
  );
  log(`\nResults written to ${file}`);
  return results.every((result) => result.valid) ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
