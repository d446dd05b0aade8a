/**
 * The Redis revocation bus on the real Redis: delivery to every instance (the publisher's own
 * included), a dedicated subscriber connection, and — because pub/sub loses what is published
 * while a subscriber is disconnected — `onResync` whenever the subscription comes back, so the
 * instance reloads revoked sessions from the store. The drop is played by a TCP proxy.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/kernel/adapters/redis/redis-connection.js';
import { RedisRevocationBus } from '../../src/kernel/adapters/redis/redis-revocation-bus.js';
import { Secret } from '../../src/kernel/domain/secret.js';
import type { RevocationEvent } from '../../src/kernel/ports/revocation-bus.js';
import { readyRedis } from '../helpers/redis.js';
import { REDIS_URL, redisAvailable } from '../helpers/services.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

const redisUp = await redisAvailable();

function until(check: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 5000;
    const look = (): void => {
      if (check()) resolve();
      else if (Date.now() > deadline) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(look, 10);
    };
    look();
  });
}

describe.skipIf(!redisUp)('RedisRevocationBus', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function instance(url: string, channel: string) {
    const publisher: Redis = await readyRedis();
    const bus = new RedisRevocationBus(publisher, connectRedis(new Secret(url)), { channel });
    const seen: RevocationEvent[] = [];
    let resyncs = 0;
    await bus.subscribe({ onRevoked: (event) => seen.push(event), onResync: () => resyncs++ });
    cleanups.push(async () => {
      await bus.close();
      publisher.disconnect();
    });
    return { bus, seen, resyncs: () => resyncs };
  }

  it('delivers a revocation to every instance, the publisher included', async () => {
    const channel = `rampart:test:revocations:${randomBytes(6).toString('hex')}`;
    const a = await instance(REDIS_URL, channel);
    const b = await instance(REDIS_URL, channel);
    await until(() => a.resyncs() >= 1 && b.resyncs() >= 1, 'both subscriptions');
    await a.bus.publish({ kind: 'session', id: 'ses_1', revokedAt: 5 });
    await until(() => a.seen.length === 1 && b.seen.length === 1, 'delivery');
    expect(b.seen).toEqual([{ kind: 'session', id: 'ses_1', revokedAt: 5 }]);
  });

  it('asks for a resync after the subscriber connection drops and comes back', async () => {
    const proxy = await TcpProxy.start(REDIS_URL);
    cleanups.push(() => proxy.stop());
    const channel = `rampart:test:revocations:${randomBytes(6).toString('hex')}`;
    const watcher = await instance(proxy.url(REDIS_URL), channel);
    const publisher = await instance(REDIS_URL, channel);
    await until(() => watcher.resyncs() === 1, 'the first subscription');
    await proxy.stop();
    // Published while the watcher is cut off: pub/sub drops it; the resync is what recovers it.
    await publisher.bus.publish({ kind: 'session', id: 'ses_lost', revokedAt: 1 });
    await proxy.resume();
    await until(() => watcher.resyncs() === 2, 'the resync after the reconnection');
    await publisher.bus.publish({ kind: 'session', id: 'ses_after', revokedAt: 2 });
    await until(() => watcher.seen.some((event) => event.id === 'ses_after'), 'delivery after the reconnection');
  });

  it('ignores malformed messages on the channel', async () => {
    const channel = `rampart:test:revocations:${randomBytes(6).toString('hex')}`;
    const a = await instance(REDIS_URL, channel);
    await until(() => a.resyncs() >= 1, 'the subscription');
    const raw = await readyRedis();
    cleanups.push(() => Promise.resolve(raw.disconnect()));
    await raw.publish(channel, 'not json');
    await raw.publish(channel, JSON.stringify({ kind: 'session', id: '', revokedAt: 1 }));
    await a.bus.publish({ kind: 'session', id: 'ses_ok', revokedAt: 1 });
    await until(() => a.seen.length > 0, 'the good event');
    expect(a.seen.map((event) => event.id)).toEqual(['ses_ok']);
  });
});
