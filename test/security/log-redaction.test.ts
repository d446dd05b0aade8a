// Attack: whoever reads the logs — an operator, a log pipeline, a SaaS log store, an attacker
// who got into any of them — collects every password, bearer token, session cookie and
// `?token=` link the server ever saw, and replays them. Rampart's logs must hold none of them:
// not in the request lines, not in the error lines, not even when a handler carelessly logs the
// whole request. These tests send real credentials through the chain at trace level and search
// every line written.
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redact, redactUrl } from '../../src/kernel/domain/redaction.js';
import { REDACTED, Secret, secret } from '../../src/kernel/domain/secret.js';
import { createLogger } from '../../src/kernel/adapters/log/pino-logger.js';
import { sqliteBackend, type BackendInstance } from '../helpers/backends.js';
import { LogCapture, testServer, type TestServer } from '../helpers/rampart.js';

const PASSWORD = 'hunter2-correct-horse-battery';
const JWT = 'eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1c3JfMSIsInNpZCI6InNlc18xIn0.c2lnbmF0dXJlLWJ5dGVz';
const QUERY_TOKEN = 'qtok-7f3a9c1e5b2d';
const COOKIE_VALUE = 'ck-9d8e7f6a5b4c3d2e1f';
const API_KEY = 'rk_live_0123456789abcdefghij';

const SECRETS = [PASSWORD, JWT, QUERY_TOKEN, COOKIE_VALUE, API_KEY];

function credentialedRequest(url: string) {
  return {
    method: 'POST' as const,
    url: `${url}?token=${QUERY_TOKEN}&page=2`,
    headers: {
      authorization: `Bearer ${JWT}`,
      cookie: `__Host-rampart_session=${COOKIE_VALUE}`,
      'x-api-key': API_KEY,
      'content-type': 'application/json',
    },
    payload: { email: 'ada@example.com', password: PASSWORD, nested: { api_key: API_KEY } },
  };
}

describe('secrets in the logs', () => {
  let store: BackendInstance;
  let server: TestServer;

  beforeAll(async () => {
    store = await sqliteBackend.create();
    server = await testServer(store, {
      env: { RAMPART_LOG_LEVEL: 'trace' },
      routes: async (app) => {
        app.post('/test/login', { config: { access: 'public' }, schema: { body: {} } }, async () => ({ ok: true }));
        // The careless handler: logs everything it was given.
        app.post('/test/careless', { config: { access: 'public' }, schema: { body: {} } }, async (request) => {
          request.log.info({ body: request.body, headers: request.headers, query: request.query, url: request.url }, 'login attempt');
          return { ok: true };
        });
        // A fault whose error carries the request with it.
        app.post('/test/throws', { config: { access: 'public' }, schema: { body: {} } }, async (request) => {
          throw Object.assign(new Error('upstream identity provider refused the login'), {
            request: { headers: request.headers, body: request.body },
          });
        });
      },
    });
  });

  afterAll(async () => {
    await server.close();
    await store.cleanup();
  });

  for (const [name, url, status] of [
    ['a route', '/test/login', 200],
    ['a route that logs the whole request', '/test/careless', 200],
    ['an unknown route', '/no/such/route', 404],
    ['a route that throws', '/test/throws', 500],
  ] as const) {
    it(`keeps the password, token, API key, query token and cookie out of every line, on ${name}`, async () => {
      const before = server.logs.lines.length;
      const response = await server.app.inject(credentialedRequest(url));
      expect(response.statusCode).toBe(status);
      const written = server.logs.lines.slice(before);
      // The request was logged (so the search below is not vacuous), with the query redacted.
      expect(written.some((line) => line.includes(`?token=${REDACTED}&page=2`))).toBe(true);
      for (const line of written) {
        for (const value of SECRETS) expect(line).not.toContain(value);
      }
    });
  }

  it('keeps a credential pasted into the path out of the access-log line', async () => {
    const before = server.logs.lines.length;
    const response = await server.app.inject({ method: 'GET', url: `/api/v1/lookup/${JWT}/${API_KEY}` });
    expect(response.statusCode).toBe(404);
    const written = server.logs.lines.slice(before);
    expect(written.some((line) => line.includes('/api/v1/lookup/'))).toBe(true);
    for (const line of written) for (const value of [JWT, API_KEY]) expect(line).not.toContain(value);
  });

  it('still logs what an operator needs: method, route, status and the error message', async () => {
    await server.app.inject({
      ...credentialedRequest('/test/throws'),
      headers: { ...credentialedRequest('/test/throws').headers, 'x-request-id': 'redaction-500' },
    });
    const lines = server.logs.lines.filter((line) => line.includes('redaction-500')).join('\n');
    expect(lines).toContain('upstream identity provider refused the login');
    expect(lines).toContain('"status":500');
    expect(lines).toContain('"route":"/test/throws"');
  });

  it('keeps the careless handler’s non-secret fields', async () => {
    await server.app.inject(credentialedRequest('/test/careless'));
    const line = server.logs.lines.findLast((text) => text.includes('login attempt'));
    expect(line).toBeDefined();
    expect(line).toContain('ada@example.com');
    expect(line).toContain('"page":"2"');
  });
});

describe('redact', () => {
  it('redacts sensitive fields at any depth, and leaves the rest', () => {
    const input = {
      user: { email: 'ada@example.com', password: PASSWORD, profile: { api_key: API_KEY, name: 'Ada' } },
      headers: { authorization: `Bearer ${JWT}`, cookie: COOKIE_VALUE, accept: 'application/json' },
      client_secret: 's3cr3t',
      refresh_token: 'r-token',
      recovery_codes: ['a', 'b'],
      count: 3,
    };
    expect(redact(input)).toEqual({
      user: { email: 'ada@example.com', password: REDACTED, profile: { api_key: REDACTED, name: 'Ada' } },
      headers: { authorization: REDACTED, cookie: REDACTED, accept: 'application/json' },
      client_secret: REDACTED,
      refresh_token: REDACTED,
      recovery_codes: REDACTED,
      count: 3,
    });
    expect(input.user.password).toBe(PASSWORD); // a copy: the input is untouched
  });

  it('redacts credentials in arrays, whatever the field is called', () => {
    expect(redact([{ password: PASSWORD }, `Bearer ${JWT}`, JWT, API_KEY, 'whsec_abc123', 'plain'])).toEqual([
      { password: REDACTED },
      REDACTED,
      REDACTED,
      REDACTED,
      REDACTED,
      'plain',
    ]);
    expect(redact({ note: `Basic ${Buffer.from('ada:pw').toString('base64')}` })).toEqual({ note: REDACTED });
  });

  it('reduces an Error to its name, message and code: no stack, no cause, no attached request', () => {
    const error = Object.assign(new Error('lookup failed', { cause: { password: PASSWORD } }), {
      code: 'E_LOOKUP',
      request: { headers: { authorization: `Bearer ${JWT}` } },
    });
    const out = redact({ err: error }) as { err: Record<string, unknown> };
    expect(out.err).toEqual({ type: 'Error', message: 'lookup failed', code: 'E_LOOKUP' });
    expect(JSON.stringify(out)).not.toContain(PASSWORD);
    expect(JSON.stringify(out)).not.toContain(JWT);
  });

  it('redacts a credential inside an Error message or a longer string', () => {
    const error = new Error(`upstream answered 401 to Authorization: Bearer ${JWT}`);
    const text = JSON.stringify(redact({ err: error, note: `retry with key ${API_KEY} later`, link: `token ${JWT}` }));
    for (const value of [JWT, API_KEY]) expect(text).not.toContain(value);
    expect(text).toContain('upstream answered 401');
    expect(text).toContain('retry with key');
  });

  it('keeps error codes for the operator but redacts a one-time code in a `code` field', () => {
    const out = redact({
      err: { code: 'FST_ERR_CTP_BODY_TOO_LARGE' },
      problem: { code: 'validation_failed' },
      net: { code: 'ECONNREFUSED' },
    });
    expect(out).toEqual({
      err: { code: 'FST_ERR_CTP_BODY_TOO_LARGE' },
      problem: { code: 'validation_failed' },
      net: { code: 'ECONNREFUSED' },
    });
    expect(redact({ body: { code: '492039' } })).toEqual({ body: { code: REDACTED } });
    expect(redact({ body: { code: 'abcd-efgh-jkmn' } })).toEqual({ body: { code: REDACTED } });
  });

  it('prints a Secret as [redacted] wherever it sits', () => {
    expect(redact({ config: { database: secret('postgres://u:pw@db/x') } })).toEqual({ config: { database: REDACTED } });
  });

  it('survives cycles and absurd depth', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(redact(cyclic)).toEqual({ name: 'loop', self: '[truncated]' });
    let deep: Record<string, unknown> = { password: PASSWORD };
    for (let i = 0; i < 10_000; i++) deep = { next: deep };
    expect(JSON.stringify(redact(deep))).not.toContain(PASSWORD);
  });
});

describe('redactUrl', () => {
  it('redacts the values of sensitive query parameters only', () => {
    expect(redactUrl(`/cb?code=abc&state=xyz&access_token=${JWT}`)).toBe(`/cb?code=${REDACTED}&state=xyz&access_token=${REDACTED}`);
    expect(redactUrl(`/x?%74oken=${QUERY_TOKEN}`)).toBe(`/x?%74oken=${REDACTED}`);
    expect(redactUrl('/plain/path')).toBe('/plain/path');
  });
});

describe('Secret', () => {
  const value = secret('s3cr3t-value');

  it('prints [redacted] through JSON.stringify, String, template literals and util.inspect', () => {
    expect(JSON.stringify({ value })).toBe(`{"value":"${REDACTED}"}`);
    expect(String(value)).toBe(REDACTED);
    expect(`${value}`).toBe(REDACTED);
    expect(`${String(value)}`).toBe(REDACTED);
    expect(inspect(value)).toBe(REDACTED);
    expect(inspect({ nested: { value } }, { depth: 5 })).not.toContain('s3cr3t-value');
  });

  it('has no enumerable state and cannot be changed', () => {
    expect(Object.keys(value)).toEqual([]);
    expect(JSON.stringify({ ...value })).toBe('{}');
    expect(Object.isFrozen(value)).toBe(true);
  });

  it('gives the value only through reveal()', () => {
    expect(value.reveal()).toBe('s3cr3t-value');
    expect(new Secret(Buffer.from([1, 2])).reveal()).toEqual(Buffer.from([1, 2]));
  });
});

describe('the logger', () => {
  it('redacts a credential in the message string itself, not only in the logged object', () => {
    const capture = new LogCapture();
    const logger = createLogger('info', capture);
    logger.info(`calling upstream with Authorization: Bearer ${JWT} and ?token=${API_KEY}`);
    logger.warn({ attempt: 2 }, `retrying with ${API_KEY}`);
    expect(capture.lines).toHaveLength(2);
    for (const value of [JWT, API_KEY]) expect(capture.text).not.toContain(value);
    expect(capture.text).toContain('calling upstream');
  });
});
