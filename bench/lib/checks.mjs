/**
 * The checks that make a figure worth printing: before and after the load, the measured URL
 * answers what the suite expects (status, body, the headers that prove which layers ran); the
 * generator saw no failed response and no socket error; and, where a rate limiter answers with
 * its remaining budget, it counted at least every request the generator completed.
 */
import http from 'node:http';

/**
 * @typedef {object} Expectation
 * @property {number} status
 * @property {string} body the exact body
 * @property {Record<string, string | RegExp | true>} headers present, with that value, matching, or (true) any value
 * @property {string[]} [absent] headers that must not be there
 * @property {{ remaining: string, reset: string }} [limiter] the rate limiter's headers, to count its hits
 */

/**
 * @typedef {object} Probe
 * @property {number} status
 * @property {http.IncomingHttpHeaders} headers
 * @property {string} body
 * @property {number} at when the answer came (ms since the epoch)
 */

/**
 * One GET, on a fresh connection, answered within 5 s.
 * @param {string} url
 * @param {Record<string, string>} [headers]
 * @returns {Promise<Probe>}
 */
export function probe(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers, agent: false, timeout: 5000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body, at: Date.now() }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`no answer from ${url} within 5 s`)));
    request.on('error', reject);
  });
}

/**
 * @param {Probe} response
 * @param {Expectation} expect
 * @param {string} when "before" or "after"
 * @returns {string[]} what is wrong, empty when nothing is
 */
export function checkResponse(response, expect, when) {
  const problems = [];
  if (response.status !== expect.status) problems.push(`${when}: status ${response.status}, expected ${expect.status}`);
  if (response.body !== expect.body) problems.push(`${when}: body ${JSON.stringify(response.body.slice(0, 200))}, expected ${expect.body}`);
  for (const [name, wanted] of Object.entries(expect.headers)) {
    const value = response.headers[name];
    const text = Array.isArray(value) ? value.join(', ') : value;
    if (text === undefined) problems.push(`${when}: header ${name} is missing`);
    else if (typeof wanted === 'string' && text !== wanted) problems.push(`${when}: header ${name} is "${text}", expected "${wanted}"`);
    else if (wanted instanceof RegExp && !wanted.test(text)) problems.push(`${when}: header ${name} is "${text}", expected ${wanted}`);
  }
  for (const name of expect.absent ?? []) {
    if (response.headers[name] !== undefined) problems.push(`${when}: header ${name} is present; this server should not set it`);
  }
  return problems;
}

/**
 * @param {import('./wrk.mjs').LoadResult} result
 * @param {string} phase
 * @returns {string[]}
 */
export function checkLoad(result, phase) {
  const problems = [];
  if (result.requests === 0) problems.push(`${phase}: the generator completed no request`);
  if (result.non2xx > 0) problems.push(`${phase}: ${result.non2xx} responses were not 2xx`);
  if (result.socketErrors > 0) problems.push(`${phase}: ${result.socketErrors} socket errors (${result.socketErrorDetail})`);
  return problems;
}

/**
 * Compares the limiter's remaining budget before and after the load with the requests the
 * generator completed in between. Meaningful only when the limiter's window did not end between
 * the two probes; otherwise it says so and checks nothing.
 * @param {Probe} before
 * @param {Probe} after
 * @param {number} completed
 * @param {{ remaining: string, reset: string }} limiter
 * @returns {{ problems: string[], note: string }}
 */
export function checkLimiterCount(before, after, completed, limiter) {
  const remainingBefore = Number(before.headers[limiter.remaining]);
  const remainingAfter = Number(after.headers[limiter.remaining]);
  const resetSeconds = Number(before.headers[limiter.reset]);
  const elapsedSeconds = (after.at - before.at) / 1000;
  if (!Number.isFinite(remainingBefore) || !Number.isFinite(remainingAfter) || !Number.isFinite(resetSeconds)) {
    return { problems: [`the rate limiter's ${limiter.remaining} / ${limiter.reset} headers are not numbers`], note: '' };
  }
  if (elapsedSeconds + 2 >= resetSeconds) {
    return { problems: [], note: `limiter count not compared: its window (${resetSeconds} s left) ended during the run` };
  }
  const hits = remainingBefore - remainingAfter - 1; // the "after" probe is a hit too
  if (hits < completed) {
    return {
      problems: [`the rate limiter counted ${hits} requests but the generator completed ${completed}: it did not run on every request`],
      note: '',
    };
  }
  return { problems: [], note: `rate limiter counted ${hits} hits for ${completed} completed requests` };
}
