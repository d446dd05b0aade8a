/**
 * A Redis outage as an instance sees it, played by a TCP proxy in front of the shared Redis (the
 * shared server itself is never stopped): liveness stays 200 (an orchestrator must not restart
 * every instance for an outage a restart cannot fix), readiness names what is down, API requests
 * answer 503 with Retry-After, `/metrics` stays readable, and the outage is logged once each way
 * instead of once per refused request (issue 24 items 2 and 5).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { REDIS_URL, redisAvailable } from '../helpers/services.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

const redisUp = await redisAvailable();

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

for (const backend of await backends()) {
  describe.runIf(redisUp)(`a Redis outage on ${backend.name}`, () => {
    let store: BackendInstance;
    let proxy: TcpProxy;
    let server: TestServer;

    beforeAll(async () => {
      store = await backend.create();
      proxy = await TcpProxy.start(REDIS_URL);
      server = await testServer(store, { env: { RAMPART_REDIS_URL: proxy.url(REDIS_URL) } });
      await eventually('ready', async () => (await server.app.inject({ method: 'GET', url: '/readyz' })).statusCode === 200);
    });

    afterAll(async () => {
      await server.close();
      await proxy.stop();
      await store.cleanup();
    });

    const lines = (prefix: string) =>
      server.logs.lines
        .map((line) => JSON.parse(line) as { msg?: string; level?: number; down_ms?: number })
        .filter((line) => line.msg?.startsWith(prefix));
    const metric = async (name: string) => {
      const text = (await server.app.inject({ method: 'GET', url: '/metrics' })).body;
      return Number(
        text
          .split('\n')
          .find((line) => line.startsWith(`${name} `))
          ?.split(' ')[1],
      );
    };

    it('faults 2, 5: liveness stays 200, readiness and requests say 503, metrics stay readable, and the outage is logged once each way', async () => {
      await proxy.stop();
      await eventually('redis seen down', async () => (await server.app.inject({ method: 'GET', url: '/readyz' })).statusCode === 503);

      const health = await server.app.inject({ method: 'GET', url: '/healthz' });
      expect(health.statusCode).toBe(200);
      expect(health.json()).toEqual({ status: 'ok' });
      const readyz = await server.app.inject({ method: 'GET', url: '/readyz' });
      expect(readyz.json()).toMatchObject({ code: 'service_unavailable', checks: { database: 'ok', redis: 'unavailable' } });
      for (let i = 0; i < 5; i++) {
        const refused = await server.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
        expect(refused.statusCode).toBe(503);
        expect(refused.json()).toMatchObject({ code: 'service_unavailable' });
        expect(refused.headers['retry-after']).toBe('1');
      }
      expect(await metric('rampart_redis_up')).toBe(0);
      expect(lines('redis unavailable')).toHaveLength(1);
      expect(lines('rate limiter failed').filter((line) => (line.level ?? 0) >= 50)).toEqual([]);

      await proxy.resume();
      await eventually('ready again', async () => (await server.app.inject({ method: 'GET', url: '/readyz' })).statusCode === 200);
      expect((await server.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).statusCode).toBe(200);
      const back = lines('redis available again');
      expect(back).toHaveLength(1);
      expect(back[0]?.down_ms).toBeGreaterThan(0);
      expect(lines('redis unavailable')).toHaveLength(1);
      expect(await metric('rampart_redis_up')).toBe(1);
      expect(await metric('rampart_redis_outages_total')).toBe(1);
      expect(await metric('rampart_redis_outage_seconds_total')).toBeGreaterThan(0);
    });
  });
}
