/**
 * Rate limiting through the real HTTP chain (test/fixtures/spec-api-v1.md, "Conventions"): 429 `rate_limited`
 * with `Retry-After` and `RateLimit-*`, per caller; one budget shared by every instance through
 * Redis; and fail closed — never unlimited — when Redis is down, stalls or restarts.
 */
import { randomInt } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sqliteBackend, type BackendInstance } from '../helpers/backends.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { readyRedis } from '../helpers/redis.js';
import { REDIS_URL, redisAvailable } from '../helpers/services.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

/** TEST-NET-2 (RFC 5737): addresses that are only labels passed to `inject`. */
function randomAddress(): string {
  return `198.51.100.${randomInt(1, 255)}`;
}

/** A plain public route (its own, so no change to Rampart's routes' exemptions can move it) and one with its own limit. */
async function routes(app: FastifyInstance): Promise<void> {
  app.get('/test/ping', { config: { access: 'public' } }, async () => ({ pong: true }));
  app.get('/test/expensive', { config: { access: 'public', rateLimit: { max: 2, windowMs: 10_000 } } }, async () => ({ done: true }));
}

function get(server: TestServer, remoteAddress: string, url = '/test/ping'): Promise<LightMyRequestResponse> {
  return server.app.inject({ method: 'GET', url, remoteAddress });
}

/** The RedisRateLimiter key of an anonymous caller's general budget. */
function counterKey(address: string): string {
  return `rampart:rl:ip:${address}`;
}

function expectRateLimited(response: LightMyRequestResponse, limit: number): void {
  expect(response.statusCode).toBe(429);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.json()).toMatchObject({ code: 'rate_limited', status: 429 });
  const retryAfter = Number(response.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(response.headers['ratelimit-limit']).toBe(String(limit));
  expect(response.headers['ratelimit-remaining']).toBe('0');
  expect(Number(response.headers['ratelimit-reset'])).toBeGreaterThanOrEqual(1);
  expect(response.headers['ratelimit-policy']).toBe(`${limit};w=60`);
}

describe('rate limiting in one instance (memory)', () => {
  let store: BackendInstance;
  let server: TestServer;

  beforeAll(async () => {
    store = await sqliteBackend.create();
    server = await testServer(store, { env: { RAMPART_RATE_LIMIT: '5' }, routes });
  });

  afterAll(async () => {
    await server?.close();
    await store?.cleanup();
  });

  it('allows RAMPART_RATE_LIMIT requests a minute from one address, counting down in RateLimit-*', async () => {
    const address = '192.0.2.1';
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await get(server, address));
    expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.map((r) => r.headers['ratelimit-remaining'])).toEqual(['4', '3', '2', '1', '0']);
    for (const r of answers) {
      expect(r.headers['ratelimit-limit']).toBe('5');
      expect(r.headers['ratelimit-policy']).toBe('5;w=60');
      expect(r.headers['retry-after']).toBeUndefined();
    }
  });

  it('the next request is 429 rate_limited with Retry-After and RateLimit-* headers', async () => {
    const address = '192.0.2.2';
    for (let i = 0; i < 5; i++) await get(server, address);
    expectRateLimited(await get(server, address), 5);
    expectRateLimited(await get(server, address), 5);
  });

  it('other addresses keep their own budget', async () => {
    for (let i = 0; i < 7; i++) await get(server, '192.0.2.3');
    const other = await get(server, '192.0.2.4');
    expect(other.statusCode).toBe(200);
    expect(other.headers['ratelimit-remaining']).toBe('4');
  });

  it("a route with its own limit counts apart from the caller's general budget", async () => {
    const address = '192.0.2.5';
    const own = [];
    for (let i = 0; i < 3; i++) own.push(await get(server, address, '/test/expensive'));
    expect(own.map((r) => r.statusCode)).toEqual([200, 200, 429]);
    expect(own[2]?.headers['ratelimit-policy']).toBe('2;w=10');
    expect(Number(own[2]?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(own[2]?.headers['retry-after'])).toBeLessThanOrEqual(10);
    const general = await get(server, address);
    expect(general.statusCode).toBe(200);
    expect(general.headers['ratelimit-remaining']).toBe('4');
  });

  it.each([
    ['max 0', { max: 0, windowMs: 60_000 }],
    ['a fractional max', { max: 1.5, windowMs: 60_000 }],
    ['a NaN window', { max: 5, windowMs: Number.NaN }],
    ['a window under a second', { max: 5, windowMs: 10 }],
  ])('a route declaring %s does not start, and the error names the route', async (_what, rateLimit) => {
    const broken = async (app: FastifyInstance): Promise<void> => {
      app.get('/test/broken', { config: { access: 'public', rateLimit } }, async () => ({}));
    };
    const other = await sqliteBackend.create();
    try {
      await expect(testServer(other, { routes: broken })).rejects.toThrow(/GET \/test\/broken declares a rateLimit/);
    } finally {
      await other.cleanup();
    }
  });
});

const redisUp = await redisAvailable();

describe.skipIf(!redisUp)('rate limiting through Redis', () => {
  let store: BackendInstance;
  let admin: Redis;
  const servers: TestServer[] = [];
  const proxies: TcpProxy[] = [];
  const addresses: string[] = [];

  /** A caller address of this run, with no counter left from an earlier run. */
  async function address(): Promise<string> {
    const value = randomAddress();
    addresses.push(value);
    await admin.del(counterKey(value));
    return value;
  }

  async function server(redisUrl: string, limit: number): Promise<TestServer> {
    const created = await testServer(store, { env: { RAMPART_RATE_LIMIT: String(limit), RAMPART_REDIS_URL: redisUrl }, routes });
    servers.push(created);
    return created;
  }

  async function proxy(): Promise<TcpProxy> {
    const created = await TcpProxy.start(REDIS_URL);
    proxies.push(created);
    return created;
  }

  /** Asks until the answer is no longer 503 (the reconnection runs in the background). */
  async function untilServed(target: TestServer, remoteAddress: string): Promise<LightMyRequestResponse> {
    let response = await get(target, remoteAddress);
    while (response.statusCode === 503) {
      await delay(25);
      response = await get(target, remoteAddress);
    }
    return response;
  }

  beforeAll(async () => {
    store = await sqliteBackend.create();
    admin = await readyRedis();
  });

  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
    for (const p of proxies.splice(0)) await p.close();
  });

  afterAll(async () => {
    if (addresses.length > 0) await admin.del(...addresses.map(counterKey));
    admin.disconnect();
    await store?.cleanup();
  });

  it('two instances share one budget: the limit applies to the sum of their requests', async () => {
    const a = await server(REDIS_URL, 5);
    const b = await server(REDIS_URL, 5);
    const caller = await address();
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await get(i % 2 === 0 ? a : b, caller));
    expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.map((r) => r.headers['ratelimit-remaining'])).toEqual(['4', '3', '2', '1', '0']);
    expectRateLimited(await get(b, caller), 5);
    expectRateLimited(await get(a, caller), 5);
    // Another caller on the same instances is untouched.
    expect((await get(a, await address())).statusCode).toBe(200);
  });

  it('Redis configured but down: requests fail closed with 503, never unlimited', async () => {
    const down = await server('redis://127.0.0.1:1', 5);
    const caller = await address();
    for (let i = 0; i < 7; i++) {
      const response = await get(down, caller);
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ code: 'service_unavailable' });
      expect(response.headers['ratelimit-remaining']).toBeUndefined();
    }
  });

  it('Redis down at start and up later: 503 until it answers, then served and counted', async () => {
    const network = await proxy();
    await network.stop();
    const late = await server(network.url(REDIS_URL), 100);
    const caller = await address();
    expect((await get(late, caller)).statusCode).toBe(503);
    await network.resume();
    const served = await untilServed(late, caller);
    expect(served.statusCode).toBe(200);
    expect(served.headers['ratelimit-remaining']).toBe('99');
  });

  it('Redis restarting: 503 while it is gone, then the same budget goes on after the reconnection', async () => {
    const network = await proxy();
    const instance = await server(network.url(REDIS_URL), 100);
    const caller = await address();
    expect((await get(instance, caller)).headers['ratelimit-remaining']).toBe('99');

    await network.stop();
    const redis = instance.rampart.redis as Redis;
    while (redis.status === 'ready') await delay(10);
    const gone = await get(instance, caller);
    expect(gone.statusCode).toBe(503);
    expect(gone.json()).toMatchObject({ code: 'service_unavailable' });

    await network.resume();
    const back = await untilServed(instance, caller);
    expect(back.statusCode).toBe(200);
    expect(back.headers['ratelimit-remaining']).toBe('98');
  });

  // Regression: with no command timeout, a Redis that stopped answering (a network partition, a
  // stalled server) held every request until the client gave up, all of them piling up waiting.
  it('a Redis that stops answering fails the request closed (503) instead of holding it', async () => {
    const network = await proxy();
    const instance = await server(network.url(REDIS_URL), 100);
    const caller = await address();
    expect((await get(instance, caller)).statusCode).toBe(200);

    network.freeze();
    const stalled = await get(instance, caller);
    expect(stalled.statusCode).toBe(503);
    expect(stalled.json()).toMatchObject({ code: 'service_unavailable' });

    network.thaw();
    expect((await untilServed(instance, caller)).statusCode).toBe(200);
  });
});
