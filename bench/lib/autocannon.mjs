/** autocannon (a devDependency): the fallback load generator when wrk cannot be had. */
import { createRequire } from 'node:module';
import process from 'node:process';

/** The autocannon CLI script, run with this Node. */
export function autocannonCommand() {
  const require = createRequire(import.meta.url);
  return { command: process.execPath, script: require.resolve('autocannon/autocannon.js') };
}

/**
 * @param {string} url
 * @param {{ seconds: number, connections: number, headers?: string[], timeoutSeconds?: number }} load
 */
export function autocannonArgs(url, load) {
  // autocannon writes headers as name=value.
  const headers = (load.headers ?? []).flatMap((header) => ['--headers', header.replace(/:\s*/, '=')]);
  const timeout = load.timeoutSeconds === undefined ? [] : ['--timeout', String(load.timeoutSeconds)];
  return ['--json', '--connections', String(load.connections), '--duration', String(load.seconds), ...timeout, ...headers, url];
}

/**
 * Reads autocannon's `--json` report.
 * @param {string} text
 * @returns {import('./wrk.mjs').LoadResult}
 */
export function parseAutocannon(text) {
  const line = text
    .trim()
    .split('\n')
    .findLast((candidate) => candidate.startsWith('{'));
  if (line === undefined) throw new Error(`autocannon printed no JSON report:\n${text}`);
  const report = JSON.parse(line);
  const seconds = Number(report.duration);
  const requests = Number(report.requests?.total);
  if (!(seconds > 0) || !Number.isFinite(requests)) throw new Error(`autocannon's report has no duration or request count:\n${line}`);
  return {
    seconds,
    requests,
    rps: requests / seconds,
    latencyMs: { p50: Number(report.latency.p50), p99: Number(report.latency.p99) },
    non2xx: Number(report.non2xx ?? 0),
    socketErrors: Number(report.errors ?? 0) + Number(report.timeouts ?? 0),
    socketErrorDetail: `errors ${report.errors ?? 0}, timeouts ${report.timeouts ?? 0}`,
    raw: line,
  };
}
