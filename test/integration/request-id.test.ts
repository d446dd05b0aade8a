import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestIdFrom } from '../../src/kernel/http/chain/request-id.js';
import { sqliteBackend, type BackendInstance } from '../helpers/backends.js';
import { listeningPort, rawExchange } from '../helpers/raw-http.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const LONGEST_SAFE = 'a'.repeat(128);

describe('requestIdFrom', () => {
  it('keeps a safe token of up to 128 characters of [A-Za-z0-9._-]', () => {
    for (const id of ['abc', 'A.b_c-9', LONGEST_SAFE, '0']) expect(requestIdFrom(id)).toBe(id);
  });

  it('replaces anything else with a fresh UUID', () => {
    const unsafe = ['', `${LONGEST_SAFE}a`, 'a b', 'a\tb', 'a\r\nX-Injected: 1', 'a\nb', 'a\rb', 'a/b', 'a:b', 'é', '"a"', '<script>'];
    for (const header of [...unsafe, undefined, ['abc', 'def']]) {
      const id = requestIdFrom(header);
      expect(id, JSON.stringify(header)).toMatch(UUID);
    }
  });

  it('generates a different id each time', () => {
    expect(requestIdFrom(undefined)).not.toBe(requestIdFrom(undefined));
  });
});

describe('X-Request-Id over HTTP', () => {
  let store: BackendInstance;
  let server: TestServer;

  beforeAll(async () => {
    store = await sqliteBackend.create();
    server = await testServer(store);
  });

  afterAll(async () => {
    await server.close();
    await store.cleanup();
  });

  it('echoes a safe X-Request-Id', async () => {
    for (const id of ['req-123', 'A.b_c-9', LONGEST_SAFE]) {
      const response = await server.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': id } });
      expect(response.headers['x-request-id']).toBe(id);
    }
  });

  it('generates an id when the request has none', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.headers['x-request-id']).toMatch(UUID);
  });

  for (const [name, id] of [
    ['129 characters', `${LONGEST_SAFE}a`],
    ['a space', 'a b'],
    ['a slash', '../etc/passwd'],
    ['a quote and angle brackets', '"><script>'],
    ['non-ASCII', 'idé'],
    ['a CR/LF (header injection)', 'a\r\nSet-Cookie: x=1'],
  ] as const) {
    it(`replaces an id with ${name} by a fresh UUID`, async () => {
      const response = await server.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': id } });
      expect(response.headers['x-request-id']).toMatch(UUID);
      expect(response.headers['set-cookie']).toBeUndefined();
    });
  }

  it('puts the same id in the header and in the problem body', async () => {
    for (const headers of [{ 'x-request-id': 'trace-404' }, {}]) {
      const response = await server.app.inject({ method: 'GET', url: '/no/such/route', headers });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ request_id: response.headers['x-request-id'] });
    }
    const refused = await server.app.inject({ method: 'POST', url: '/healthz', headers: { 'x-request-id': 'a b' } });
    expect(refused.headers['x-request-id']).toMatch(UUID);
    expect(refused.json()).toMatchObject({ request_id: refused.headers['x-request-id'] });
  });

  it('logs the request under the id the caller sees', async () => {
    await server.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'trace-log-line' } });
    const line = server.logs.lines
      .map((text) => JSON.parse(text) as Record<string, unknown>)
      .find((entry) => entry.reqId === 'trace-log-line');
    expect(line).toMatchObject({ url: '/healthz', status: 200 });
  });

  describe('over a real socket', () => {
    let port: number;

    beforeAll(async () => {
      port = await listeningPort(server.app);
    });

    it('replaces an id holding a tab or a space by a fresh UUID', async () => {
      for (const id of ['a\tb', 'a b']) {
        const response = await rawExchange(
          port,
          `GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: ${id}\r\nConnection: close\r\n\r\n`,
        );
        expect(response.status).toBe(200);
        expect(response.headers['x-request-id']).toMatch(UUID);
      }
    });

    it('refuses a bare CR inside the header with 400 and a fresh id, never echoing it', async () => {
      const response = await rawExchange(
        port,
        `GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: abc\rX-Injected: 1\r\nConnection: close\r\n\r\n`,
      );
      expect(response.status).toBe(400);
      expect(response.headers['x-request-id']).toMatch(UUID);
      expect(response.headers['x-injected']).toBeUndefined();
      expect(JSON.parse(response.body)).toMatchObject({ code: 'validation_failed', request_id: response.headers['x-request-id'] });
    });

    it('echoes a safe id over a real socket too', async () => {
      const response = await rawExchange(
        port,
        `GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: raw-1\r\nConnection: close\r\n\r\n`,
      );
      expect(response.headers['x-request-id']).toBe('raw-1');
    });
  });
});
