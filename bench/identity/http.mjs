/** One HTTP request on a fresh connection, answered within 10 s: what the identity suites prepare and check with. */
import http from 'node:http';

/**
 * @typedef {object} Answer
 * @property {number} status
 * @property {http.IncomingHttpHeaders} headers
 * @property {string} body
 * @property {any} json the parsed body, or undefined
 * @property {number} at when the answer came (ms since the epoch)
 */

/**
 * @param {string} method
 * @param {string} url
 * @param {{ headers?: Record<string, string>, json?: unknown }} [options]
 * @returns {Promise<Answer>}
 */
export function request(method, url, options = {}) {
  const body = options.json === undefined ? undefined : JSON.stringify(options.json);
  const headers = { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers };
  return new Promise((resolve, reject) => {
    const outgoing = http.request(url, { method, headers, agent: false, timeout: 10_000 }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => {
        let json;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text, json, at: Date.now() });
      });
      response.on('error', reject);
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer from ${method} ${url} within 10 s`)));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/**
 * Expects `answer` to have `status`; returns the problems (empty when it does).
 * @param {Answer} answer
 * @param {number} status
 * @param {string} what
 */
export function expectStatus(answer, status, what) {
  return answer.status === status ? [] : [`${what}: status ${answer.status}, expected ${status} (${answer.body.slice(0, 200)})`];
}

/**
 * Checks headers as the healthz suite does: present, equal, matching, or (true) any value.
 * @param {Answer} answer
 * @param {Record<string, string | RegExp | true>} wanted
 * @param {string} what
 */
export function expectHeaders(answer, wanted, what) {
  const problems = [];
  for (const [name, expected] of Object.entries(wanted)) {
    const value = answer.headers[name];
    const text = Array.isArray(value) ? value.join(', ') : value;
    if (text === undefined) problems.push(`${what}: header ${name} is missing`);
    else if (typeof expected === 'string' && text !== expected)
      problems.push(`${what}: header ${name} is "${text}", expected "${expected}"`);
    else if (expected instanceof RegExp && !expected.test(text))
      problems.push(`${what}: header ${name} is "${text}", expected ${expected}`);
  }
  return problems;
}
