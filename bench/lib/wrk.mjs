/** wrk (Debian's package): its command line and the parsing of its report. */

/**
 * What one load run reports, whichever generator ran it.
 * @typedef {object} LoadResult
 * @property {number} seconds how long the run lasted
 * @property {number} requests responses completed
 * @property {number} rps requests per second
 * @property {{ p50: number, p99: number }} latencyMs
 * @property {number} non2xx responses whose status was not 2xx (wrk: neither 2xx nor 3xx)
 * @property {number} socketErrors connect, read, write errors and timeouts, added up
 * @property {string} socketErrorDetail which ones, as the generator put it ('' when none)
 * @property {string} raw the generator's own output
 */

/**
 * @param {string} url
 * @param {{ seconds: number, connections: number, threads: number, headers?: string[], timeoutSeconds?: number }} load
 */
export function wrkArgs(url, load) {
  const headers = (load.headers ?? []).flatMap((header) => ['--header', header]);
  // wrk counts an answer slower than its timeout (2 s by default) as a socket error.
  const timeout = load.timeoutSeconds === undefined ? [] : ['--timeout', `${load.timeoutSeconds}s`];
  return [
    ...timeout,
    '--threads',
    String(load.threads),
    '--connections',
    String(load.connections),
    '--duration',
    `${load.seconds}s`,
    '--latency',
    ...headers,
    url,
  ];
}

const TIME_UNITS_MS = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "651.00us", "1.98ms", "1.02s" → milliseconds. @param {string} text */
function toMs(text) {
  const match = /^([\d.]+)(us|ms|s|m|h)$/.exec(text);
  if (match === null) throw new Error(`wrk: cannot read the time "${text}"`);
  return Number(match[1]) * TIME_UNITS_MS[/** @type {keyof typeof TIME_UNITS_MS} */ (match[2])];
}

/**
 * @param {string} text
 * @param {RegExp} pattern
 * @param {string} what
 */
function required(text, pattern, what) {
  const match = pattern.exec(text);
  if (match === null) throw new Error(`wrk's report has no ${what}:\n${text}`);
  return match;
}

/**
 * Reads wrk's report. The lines that say a run went wrong ("Socket errors", "Non-2xx or 3xx
 * responses") are printed only when their counts are not zero.
 * @param {string} text
 * @returns {LoadResult}
 */
export function parseWrk(text) {
  const total = required(text, /^\s*(\d+) requests in ([\d.]+\w+),/m, 'request count');
  const rps = required(text, /^Requests\/sec:\s+([\d.]+)/m, 'Requests/sec');
  const p50 = required(text, /^\s+50%\s+(\S+)/m, '50% latency (was --latency passed?)');
  const p99 = required(text, /^\s+99%\s+(\S+)/m, '99% latency');
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(text);
  return {
    seconds: toMs(total[2]) / 1000,
    requests: Number(total[1]),
    rps: Number(rps[1]),
    latencyMs: { p50: toMs(p50[1]), p99: toMs(p99[1]) },
    non2xx: non2xx === null ? 0 : Number(non2xx[1]),
    socketErrors: socket === null ? 0 : socket.slice(1).reduce((sum, count) => sum + Number(count), 0),
    socketErrorDetail: socket === null ? '' : socket[0],
    raw: text,
  };
}
