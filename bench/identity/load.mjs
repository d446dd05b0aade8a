/**
 * The load generator of the login and refresh benchmarks: autocannon, run in this child process
 * (pinned to the load core by the harness), with per-status counts and latencies.
 *
 * Why autocannon and not wrk here: these benchmarks must count 429s apart from successes and give
 * the p50/p99 of the *accepted* requests only (autocannon records only 2xx latencies in its
 * histogram, and reports every status code's count); wrk lumps every non-2xx answer together and
 * puts all latencies in one histogram, and would need a Lua script with per-thread tables to do
 * the same. Refreshes are sent by a plain keep-alive loop per connection instead (see
 * {@link refreshLoad}): each must carry the token the previous answer returned. At the rates
 * measured (tens of logins, a few thousand refreshes a second) a JavaScript generator on its own
 * core is far from saturating.
 *
 * Usage: node bench/identity/load.mjs '<json>' with {mode: 'login'|'refresh', url, body,
 * connections, seconds or amount, and for refresh: tokens (one refresh token per connection)};
 * prints one JSON line.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import autocannon from 'autocannon';

const spec = JSON.parse(process.argv[2] ?? '{}');

/**
 * The refresh load: one loop per connection, each on its own keep-alive socket, each sending the
 * refresh token the previous answer returned. (autocannon's per-connection context is reset each
 * time its request list wraps around, so it cannot carry a rotating token from one request to the
 * next; this loop does exactly that and nothing more.)
 * @param {string[]} tokens one per connection
 */
async function refreshLoad(tokens) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: tokens.length });
  const url = new URL(spec.url);
  /** @type {Record<string, number>} */
  const byStatus = {};
  /** @type {number[]} */
  const accepted = [];
  let errors = 0;
  let broken = 0;
  const started = performance.now();
  const deadline = started + spec.seconds * 1000;
  const post = (/** @type {string} */ token) =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({ refresh_token: token });
      const outgoing = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          timeout: 30_000,
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
          response.on('error', reject);
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(new Error('timeout')));
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  await Promise.all(
    tokens.map(async (first) => {
      let token = first;
      while (performance.now() < deadline) {
        const sent = performance.now();
        let answer;
        try {
          answer = /** @type {{ status: number, text: string }} */ (await post(token));
        } catch {
          errors++;
          return;
        }
        byStatus[answer.status] = (byStatus[answer.status] ?? 0) + 1;
        if (answer.status !== 200) {
          broken++;
          return;
        }
        accepted.push(performance.now() - sent);
        token = JSON.parse(answer.text).refresh_token;
      }
    }),
  );
  agent.destroy();
  const seconds = (performance.now() - started) / 1000;
  return {
    seconds,
    requests: Object.values(byStatus).reduce((sum, count) => sum + count, 0),
    byStatus,
    accepted: accepted.length,
    acceptedLatencyMs: { p50: percentile(accepted, 50), p99: percentile(accepted, 99), max: percentile(accepted, 100) },
    refusedLatencyMs: { p50: 0, p99: 0 },
    errors,
    timeouts: 0,
    brokenChains: broken,
  };
}

/**
 * @param {number[]} values
 * @param {number} p
 */
function percentile(values, p) {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main() {
  /** @type {Record<string, number[]>} latencies (ms) by status */
  const latencies = {};
  /** @type {import('autocannon').Options} */
  const options = {
    url: spec.url,
    connections: spec.connections,
    // A fixed amount of requests, when given, all answered: no work is abandoned at the end.
    ...(spec.amount === undefined ? { duration: spec.seconds } : { amount: spec.amount }),
    timeout: 120,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
  };
  if (spec.mode === 'refresh') return refreshLoad(spec.tokens);
  options.body = JSON.stringify(spec.body);
  const instance = autocannon(options);
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    (latencies[statusCode] ??= []).push(responseTime);
  });
  const result = await instance;
  const byStatus = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([status, stats]) => [status, stats.count]));
  const accepted = Object.entries(latencies)
    .filter(([status]) => status.startsWith('2'))
    .flatMap(([, values]) => values);
  const refused = latencies['429'] ?? [];
  return {
    seconds: result.duration,
    requests: result.requests.total,
    byStatus,
    accepted: accepted.length,
    acceptedLatencyMs: { p50: percentile(accepted, 50), p99: percentile(accepted, 99), max: percentile(accepted, 100) },
    refusedLatencyMs: { p50: percentile(refused, 50), p99: percentile(refused, 99) },
    errors: result.errors,
    timeouts: result.timeouts,
    brokenChains: 0,
  };
}

main().then(
  (report) => process.stdout.write(`${JSON.stringify(report)}\n`),
  (error) => {
    process.stderr.write(`load: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
