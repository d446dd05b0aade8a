/**
 * The RateLimiter contract on every adapter: MemoryRateLimiter on a fake clock, RedisRateLimiter on
 * the real Redis (two connections acting as two instances), then what only one adapter can show.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryRateLimiter } from '../../src/kernel/adapters/memory/memory-rate-limiter.js';
import { connectRedis } from '../../src/kernel/adapters/redis/redis-connection.js';
import { RedisRateLimiter } from '../../src/kernel/adapters/redis/redis-rate-limiter.js';
import { Secret } from '../../src/kernel/domain/secret.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { deleteKeys, readyRedis } from '../helpers/redis.js';
import { redisAvailable } from '../helpers/services.js';
import { rateLimiterContract } from './rate-limiter.contract.js';

rateLimiterContract('MemoryRateLimiter', () => {
  const clock = new FakeClock();
  const limiter = new MemoryRateLimiter({ clock });
  return Promise.resolve({
    limiter,
    peers: [],
    shortWindowMs: 60_000,
    windowPasses: (_key, windowMs) => Promise.resolve(clock.advance(windowMs)),
    cleanup: () => limiter.close(),
  });
});

const redisUp = await redisAvailable();

/** A key prefix of its own per test: counters of earlier or parallel runs can never meet it. */
function testPrefix(): string {
  return `rampart:test:rl:${randomBytes(8).toString('hex')}:`;
}

describe.skipIf(!redisUp)('on Redis', () => {
  rateLimiterContract('RedisRateLimiter (two connections = two instances)', async () => {
    const prefix = testPrefix();
    const a = await readyRedis();
    const b = await readyRedis();
    return {
      limiter: new RedisRateLimiter(a, prefix),
      peers: [new RedisRateLimiter(b, prefix)],
      shortWindowMs: 300,
      // The real expiry: wait until Redis itself has let the counter go (PEXPIRE set by the script).
      async windowPasses(key) {
        while ((await a.exists(`${prefix}${key}`)) === 1) await delay(20);
      },
      async cleanup() {
        await deleteKeys(a, prefix);
        a.disconnect();
        b.disconnect();
      },
    };
  });

  describe('RedisRateLimiter', () => {
    let redis: Redis;
    let prefix: string;

    beforeEach(async () => {
      redis = await readyRedis();
      prefix = testPrefix();
    });

    afterEach(async () => {
      if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
      await deleteKeys(redis, prefix);
      redis.disconnect();
    });

    it('rejects (so the caller fails closed) when Redis cannot be reached', async () => {
      const unreachable = connectRedis(new Secret('redis://127.0.0.1:1'));
      try {
        const limiter = new RedisRateLimiter(unreachable, prefix);
        await expect(limiter.hit('closed', 5, 60_000)).rejects.toThrow();
      } finally {
        unreachable.disconnect();
      }
    });

    it('keeps counting the same window after its connection drops and comes back', async () => {
      const limiter = new RedisRateLimiter(redis, prefix);
      await limiter.hit('reconnect', 3, 60_000);
      await limiter.hit('reconnect', 3, 60_000);
      const ownId = await redis.client('ID');
      const admin = await readyRedis();
      try {
        await admin.client('KILL', 'ID', String(ownId));
      } finally {
        admin.disconnect();
      }
      // The first call after the kill may fail (no offline queue: fail closed); the reconnection
      // happens in the background and the count, kept by Redis, goes on where it was.
      let result = await limiter.hit('reconnect', 3, 60_000).catch(() => undefined);
      while (result === undefined) {
        await delay(20);
        result = await limiter.hit('reconnect', 3, 60_000).catch(() => undefined);
      }
      expect(await redis.client('ID')).not.toBe(ownId);
      expect(result.allowed).toBe(true);
      const after = await limiter.hit('reconnect', 3, 60_000);
      expect(after.allowed).toBe(false);
    });

    it('stores counters under its prefix only, each with the window as its expiry', async () => {
      const limiter = new RedisRateLimiter(redis, prefix);
      await limiter.hit('ttl', 5, 45_000);
      const ttl = await redis.pttl(`${prefix}ttl`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(45_000);
    });
  });
});

describe('MemoryRateLimiter', () => {
  it('refuses the last hit of a window one millisecond before it ends, and allows it at the end', async () => {
    const clock = new FakeClock();
    const limiter = new MemoryRateLimiter({ clock });
    await limiter.hit('edge', 1, 1000);
    clock.advance(999);
    expect(await limiter.hit('edge', 1, 1000)).toMatchObject({ allowed: false, resetMs: 1 });
    clock.advance(1);
    expect(await limiter.hit('edge', 1, 1000)).toMatchObject({ allowed: true, resetMs: 1000 });
  });

  it('stays bounded: never holds more than maxKeys windows, however many callers', async () => {
    const limiter = new MemoryRateLimiter({ clock: new FakeClock(), maxKeys: 100 });
    for (let i = 0; i < 1000; i++) {
      await limiter.hit(`caller-${i}`, 5, 60_000);
      expect(limiter.size).toBeLessThanOrEqual(100);
    }
    expect(limiter.size).toBe(100);
  });

  it('forgets windows that have passed', async () => {
    const clock = new FakeClock();
    const limiter = new MemoryRateLimiter({ clock });
    for (let i = 0; i < 50; i++) await limiter.hit(`caller-${i}`, 5, 1000);
    expect(limiter.size).toBe(50);
    clock.advance(60_000);
    await limiter.hit('late', 5, 1000);
    expect(limiter.size).toBe(1);
  });

  // Regression: at the bound, a hit on a key that was already counted evicted the oldest window
  // before looking the key up; when that oldest window was the caller's own, its count restarted
  // at zero and the caller passed the limit on every hit.
  it('a caller at the bound does not evict its own window and pass the limit', async () => {
    const limiter = new MemoryRateLimiter({ clock: new FakeClock(), maxKeys: 2 });
    expect((await limiter.hit('attacker', 1, 60_000)).allowed).toBe(true);
    await limiter.hit('other', 1, 60_000);
    const refused = await Promise.all(Array.from({ length: 5 }, () => limiter.hit('attacker', 1, 60_000)));
    expect(refused.map((r) => r.allowed)).toEqual([false, false, false, false, false]);
  });

  it('refuses a maxKeys that is not a positive integer', () => {
    for (const maxKeys of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new MemoryRateLimiter({ maxKeys }), String(maxKeys)).toThrow(RangeError);
    }
  });
});
