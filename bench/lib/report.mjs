/** What the harness prints: the machine, then per suite a table, the ratios and the goals. */

/** Other processes, or the hypervisor, taking more than this share of the server's core disturb the figures. */
const BUSY_SHARE = 0.05;
/** A server core idle more than this share of the time was not what limited throughput. */
const IDLE_SHARE = 0.1;

const integer = (/** @type {number} */ value) => Math.round(value).toLocaleString('en-US');
const ms = (/** @type {number} */ value) => `${value.toFixed(2)} ms`;
const percent = (/** @type {number} */ value) => `${(value * 100).toFixed(1)}%`;

/**
 * Columns padded to their widest cell; `align` says, per column, left or right.
 * @param {string[][]} rows the first is the header
 * @param {('l' | 'r')[]} align
 */
export function formatTable(rows, align) {
  const widths = align.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  const line = (/** @type {string[]} */ row) =>
    row.map((cell, column) => (align[column] === 'r' ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join('  ');
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(rows[0]), rule, ...rows.slice(1).map(line)].map((text) => text.trimEnd());
}

/**
 * @param {import('./machine.mjs').Machine} machine
 * @param {import('./settings.mjs').Settings} settings
 * @param {import('./generators.mjs').Generator} generator
 * @returns {string[]}
 */
export function describeRun(machine, settings, generator) {
  return [
    `Machine:   ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; ${machine.os}`,
    `Node:      ${machine.node}`,
    `Date:      ${machine.date} (load average ${machine.loadAverage.join(', ')})`,
    `Generator: ${generator.version} (${generator.name}), ${generator.name === 'wrk' ? `${settings.threads} thread(s), ` : ''}${settings.connections} connections`,
    `Rounds:    ${settings.rounds}, each server in turn: ${settings.warmup} s warm-up + ${settings.duration} s measured, a fresh process each time`,
    `Pinning:   each server alone on core ${settings.serverCpu}, the generator on core ${settings.loadCpu} (taskset); loopback only`,
    `Quiet:     before each server, up to ${settings.quietWait} s waiting for the machine to be idle for 3 s`,
  ];
}

/**
 * What may have disturbed one measurement.
 * @param {import('./measure.mjs').ServerResult} run
 * @returns {string[]}
 */
function warnings(run) {
  const { core } = run;
  if (core === undefined) return [];
  const found = [];
  if (core.othersShare > BUSY_SHARE) {
    found.push(`other processes took ${percent(core.othersShare)} of the server's core: the machine was busy`);
  }
  if (core.stealShare > BUSY_SHARE) {
    found.push(`the hypervisor took ${percent(core.stealShare)} of the server's core (steal time)`);
  }
  if (core.idleShare > IDLE_SHARE) {
    found.push(`its core was idle ${percent(core.idleShare)} of the time: the generator may have been the limit`);
  }
  return found;
}

/**
 * @param {string} format
 * @returns {(value: number) => string}
 */
const shower = (format) => (format === 'percent' ? percent : (value) => value.toFixed(3));

/**
 * @param {import('./suite.mjs').SuiteResult} result
 * @returns {string[]}
 */
export function describeSuite(result) {
  const lines = ['', `== ${result.name}: ${result.title}`];
  if (!result.valid) {
    const bang = '!'.repeat(78);
    lines.push(bang, `!! BENCHMARK "${result.name}" IS INVALID: a check failed, so no figure is printed.`);
    for (const server of result.servers) {
      for (const problem of server.problems) lines.push(`!! ${server.label}: ${problem}`);
    }
    lines.push(bang);
    return lines;
  }
  const rows = [['server (median of rounds)', 'req/s', 'range', 'p50', 'p99', 'CPU/request', 'others', 'idle']];
  for (const server of result.servers) {
    // The worst round: how much of the server's core other processes took, and how much stayed idle.
    const worst = (/** @type {'othersShare' | 'idleShare'} */ key) => Math.max(...server.rounds.map((run) => run.core?.[key] ?? 0));
    rows.push([
      server.label,
      integer(server.rps),
      `${integer(server.rpsMin)}–${integer(server.rpsMax)}`,
      ms(server.latencyMs.p50),
      ms(server.latencyMs.p99),
      `${server.cpuUsPerRequest.toFixed(1)} µs`,
      percent(worst('othersShare')),
      percent(worst('idleShare')),
    ]);
  }
  lines.push(...formatTable(rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r']), '');
  const figures = [
    ...result.ratios.map((ratio) => [ratio.label, ratio.value.toFixed(3), `${ratio.min.toFixed(3)}–${ratio.max.toFixed(3)}`, '']),
    ...result.goals.map((goal) => {
      const show = shower(goal.format);
      return [
        goal.label,
        show(goal.value),
        `${show(goal.min)}–${show(goal.max)}`,
        `goal: at most ${show(goal.atMost)}: ${goal.met ? 'MET' : 'NOT MET'}`,
      ];
    }),
  ];
  lines.push(...formatTable([['ratio (median of rounds)', 'value', 'range', ''], ...figures], ['l', 'r', 'r', 'l']));
  let disturbed = false;
  for (const server of result.servers) {
    server.rounds.forEach((run, index) => {
      for (const note of run.notes) lines.push(`  note: ${server.label}, round ${index + 1}: ${note}`);
      for (const warning of warnings(run)) lines.push(`  WARNING: ${server.label}, round ${index + 1}: ${warning}`);
      disturbed ||= warnings(run).length > 0;
    });
  }
  if (disturbed) lines.push('  WARNING: some req/s were disturbed; CPU/request, and the chain cost computed from it, are disturbed least.');
  return lines;
}
