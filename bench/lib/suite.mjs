/**
 * A suite is one benchmark: a request, the servers that answer it, the ratios between their
 * throughputs and the goals those ratios are held to. Suites live in bench/suites/, one file
 * each, whose default export is a {@link Suite}.
 */
import { measureServer } from './measure.mjs';

/**
 * @typedef {object} Ratio
 * @property {string} label
 * @property {string} of the server id whose req/s is divided…
 * @property {string} to …by this one's
 */

/**
 * What goals are computed from, by server id.
 * @typedef {object} Figures
 * @property {Record<string, number>} rps requests per second
 * @property {Record<string, number>} cpuUs the server's CPU time per request, in µs
 */

/**
 * @typedef {object} Goal
 * @property {string} label
 * @property {(figures: Figures) => number} value computed from the servers' figures
 * @property {number} atMost
 * @property {'percent' | 'ratio'} format
 */

/**
 * @typedef {object} Suite
 * @property {string} name what `npm run bench -- <name>` selects
 * @property {string} title
 * @property {string} path the URL path every server is measured on
 * @property {Record<string, string>} [headers] request headers sent with every request
 * @property {import('./measure.mjs').SuiteServer[]} servers measured in this order
 * @property {Ratio[]} ratios
 * @property {Goal[]} goals
 */

/**
 * A server's figures over the rounds: medians, with each round's own result kept.
 * @typedef {object} ServerSummary
 * @property {string} id
 * @property {string} label
 * @property {string} command
 * @property {number} rps median over the rounds
 * @property {number} rpsMin
 * @property {number} rpsMax
 * @property {{ p50: number, p99: number }} latencyMs medians over the rounds
 * @property {number} cpuUsPerRequest median over the rounds
 * @property {string[]} problems every round's
 * @property {import('./measure.mjs').ServerResult[]} rounds
 */

/**
 * A ratio or goal: the median of its per-round values (each from servers measured minutes apart
 * at most), and their spread.
 * @typedef {object} Spread
 * @property {string} label
 * @property {number} value the median
 * @property {number} min
 * @property {number} max
 */

/**
 * @typedef {object} SuiteResult
 * @property {string} name
 * @property {string} title
 * @property {boolean} valid every server measured in every round and every check passed
 * @property {ServerSummary[]} servers
 * @property {Spread[]} ratios
 * @property {(Spread & { atMost: number, format: string, met: boolean })[]} goals met when the median is at most `atMost`
 */

/** @param {number[]} values */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * @param {string} label
 * @param {number[]} values
 * @returns {Spread}
 */
function spread(label, values) {
  return { label, value: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/**
 * @param {import('./measure.mjs').SuiteServer} entry
 * @param {import('./measure.mjs').ServerResult[]} rounds
 * @returns {ServerSummary}
 */
function summarize(entry, rounds) {
  const rps = rounds.map((round) => round.rps);
  return {
    id: entry.id,
    label: entry.label,
    command: entry.server.command,
    rps: rounds.length === 0 ? 0 : median(rps),
    rpsMin: Math.min(...rps),
    rpsMax: Math.max(...rps),
    latencyMs: {
      p50: rounds.length === 0 ? 0 : median(rounds.map((round) => round.latencyMs.p50)),
      p99: rounds.length === 0 ? 0 : median(rounds.map((round) => round.latencyMs.p99)),
    },
    cpuUsPerRequest: rounds.length === 0 ? 0 : median(rounds.map((round) => round.cpuUsPerRequest)),
    problems: rounds.flatMap((round) => round.problems),
    rounds,
  };
}

/**
 * Measures the servers one after another, each alone on the server core, in as many rounds as
 * settings say (A B C, A B C…: the machine's drift over minutes then weighs on every server
 * alike). Ratios and goals are computed within each round, then their median is taken. Stops at
 * the first server whose checks fail, since ratios against it would mean nothing.
 * @param {Suite} suite
 * @param {import('./settings.mjs').Settings} settings
 * @param {import('./generators.mjs').Generator} generator
 * @param {(line: string) => void} log
 * @returns {Promise<SuiteResult>}
 */
export async function runSuite(suite, settings, generator, log) {
  /** @type {import('./measure.mjs').ServerResult[][]} */
  const rounds = [];
  let failed = false;
  for (let round = 1; round <= settings.rounds && !failed; round++) {
    log(`  round ${round} of ${settings.rounds}`);
    const results = [];
    for (const entry of suite.servers) {
      const result = await measureServer(entry, suite, settings, generator, log);
      results.push(result);
      if (result.problems.length > 0) {
        failed = true;
        break;
      }
    }
    rounds.push(results);
  }
  const servers = suite.servers.map((entry) =>
    summarize(
      entry,
      rounds.flatMap((results) => results.filter((result) => result.id === entry.id)),
    ),
  );
  if (failed) return { name: suite.name, title: suite.title, valid: false, servers, ratios: [], goals: [] };
  /** @type {Figures[]} */
  const figures = rounds.map((results) => ({
    rps: Object.fromEntries(results.map((result) => [result.id, result.rps])),
    cpuUs: Object.fromEntries(results.map((result) => [result.id, result.cpuUsPerRequest])),
  }));
  return {
    name: suite.name,
    title: suite.title,
    valid: true,
    servers,
    ratios: suite.ratios.map((ratio) =>
      spread(
        ratio.label,
        figures.map(({ rps }) => rps[ratio.of] / rps[ratio.to]),
      ),
    ),
    goals: suite.goals.map((goal) => {
      const values = spread(goal.label, figures.map(goal.value));
      return { ...values, atMost: goal.atMost, format: goal.format, met: values.value <= goal.atMost };
    }),
  };
}
