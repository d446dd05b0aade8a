import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ConfigError, loadConfig } from '../../src/config.js';
import { sqliteBackend, type BackendInstance } from '../helpers/backends.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const CLIENT = '203.0.113.50';

const whoAmI = async (app: FastifyInstance) => {
  app.get('/test/ip', { config: { access: 'public' } }, async (request) => ({ ip: request.ip }));
};

describe('X-Forwarded-For and RAMPART_TRUST_PROXY', () => {
  let store: BackendInstance | undefined;
  let server: TestServer | undefined;

  async function start(env: Record<string, string> = {}): Promise<TestServer> {
    store = await sqliteBackend.create();
    server = await testServer(store, { env, routes: whoAmI });
    return server;
  }

  async function ipSeen(app: FastifyInstance, remoteAddress: string, forwardedFor?: string): Promise<string> {
    const response = await app.inject({
      method: 'GET',
      url: '/test/ip',
      remoteAddress,
      headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    });
    return response.json<{ ip: string }>().ip;
  }

  afterEach(async () => {
    await server?.close();
    await store?.cleanup();
    server = undefined;
    store = undefined;
  });

  it('ignores X-Forwarded-For when RAMPART_TRUST_PROXY is unset: the address is the socket peer', async () => {
    const { app } = await start();
    expect(await ipSeen(app, '127.0.0.1', CLIENT)).toBe('127.0.0.1');
    expect(await ipSeen(app, '198.51.100.9', CLIENT)).toBe('198.51.100.9');
  });

  it('honours X-Forwarded-For from a listed proxy', async () => {
    const { app } = await start({ RAMPART_TRUST_PROXY: '127.0.0.1' });
    expect(await ipSeen(app, '127.0.0.1', CLIENT)).toBe(CLIENT);
    expect(await ipSeen(app, '127.0.0.1')).toBe('127.0.0.1');
  });

  it('honours a proxy listed as a CIDR range', async () => {
    const { app } = await start({ RAMPART_TRUST_PROXY: '10.0.0.0/8' });
    expect(await ipSeen(app, '10.1.2.3', CLIENT)).toBe(CLIENT);
  });

  it('ignores X-Forwarded-For from a peer that is not a listed proxy', async () => {
    const { app } = await start({ RAMPART_TRUST_PROXY: '10.0.0.1' });
    expect(await ipSeen(app, '127.0.0.1', CLIENT)).toBe('127.0.0.1');
    expect(await ipSeen(app, '198.51.100.9', CLIENT)).toBe('198.51.100.9');
  });

  it('takes the address the trusted proxy saw, not one the client prepended', async () => {
    const { app } = await start({ RAMPART_TRUST_PROXY: '127.0.0.1' });
    // The client sent "X-Forwarded-For: 127.0.0.1"; the proxy appended the address it saw.
    expect(await ipSeen(app, '127.0.0.1', `127.0.0.1, ${CLIENT}`)).toBe(CLIENT);
    expect(await ipSeen(app, '127.0.0.1', `1.2.3.4, 5.6.7.8, ${CLIENT}`)).toBe(CLIENT);
  });

  it('does not let a spoofed X-Forwarded-For buy a fresh rate-limit budget', async () => {
    const { app } = await start({ RAMPART_RATE_LIMIT: '3' });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await app.inject({
        method: 'GET',
        url: '/test/ip',
        remoteAddress: '198.51.100.9',
        headers: { 'x-forwarded-for': `192.0.2.${i}` },
      });
      statuses.push(response.statusCode);
      if (response.statusCode === 429) expectProblem(response, 'rate_limited');
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('does not let a spoofed X-Forwarded-For reach /metrics as loopback', async () => {
    const { app } = await start();
    const response = await app.inject({
      method: 'GET',
      url: '/metrics',
      remoteAddress: '198.51.100.9',
      headers: { 'x-forwarded-for': '127.0.0.1' },
    });
    expectProblem(response, 'unauthenticated');
  });
});

describe('RAMPART_TRUST_PROXY configuration', () => {
  for (const value of ['true', 'TRUE', ' true ']) {
    it(`refuses ${JSON.stringify(value)}, naming the variable`, () => {
      const load = () => loadConfig({ env: { RAMPART_TRUST_PROXY: value } });
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(/^RAMPART_TRUST_PROXY: /);
    });
  }

  it('refuses something that is not an address or range', () => {
    for (const value of ['*', 'proxy.internal', '10.0.0.0/33', 'loopback']) {
      expect(() => loadConfig({ env: { RAMPART_TRUST_PROXY: value } }), value).toThrow(/^RAMPART_TRUST_PROXY: /);
    }
  });

  it('reads false, unset and a list', () => {
    expect(loadConfig({ env: {} }).trustProxy).toBe(false);
    expect(loadConfig({ env: { RAMPART_TRUST_PROXY: 'false' } }).trustProxy).toBe(false);
    expect(loadConfig({ env: { RAMPART_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8, ::1' } }).trustProxy).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
    ]);
  });
});
