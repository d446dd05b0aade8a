/**
 * The Redis revocation bus on the real Redis: delivery to every instance (the publisher's own
 * included), a dedicated subscriber connection, `onResync` whenever the subscription comes back —
 * and what pub/sub alone cannot give (issue 24, docs/decisions/014-revocation-bus-liveness.md):
 * a heartbeat that exposes a subscriber cut silently (a TCP proxy that stops forwarding without
 * closing anything), and the durable revocation sequence from which an instance reads what it
 * missed. The instances share one sequence, as they share one database.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryRevocationSequence } from '../../src/kernel/adapters/memory/memory-revocation-sequence.js';
import type { LivenessChange } from '../../src/kernel/adapters/redis/bus-liveness.js';
import { connectRedis } from '../../src/kernel/adapters/redis/redis-connection.js';
import { RedisRevocationBus, STALE_AFTER_MS, CATCH_UP_MS } from '../../src/kernel/adapters/redis/redis-revocation-bus.js';
import { Secret } from '../../src/kernel/domain/secret.js';
import type { RevocationEvent } from '../../src/kernel/ports/revocation-bus.js';
import type { RevocationSequence } from '../../src/kernel/ports/revocation-sequence.js';
import { readyRedis } from '../helpers/redis.js';
import { REDIS_URL, redisAvailable } from '../helpers/services.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

const redisUp = await redisAvailable();

/** The bus's documented bound (a missed heartbeat, then one catch-up read), plus scheduling slack. */
const BOUND_MS = STALE_AFTER_MS + CATCH_UP_MS;
const SLACK_MS = 1000;

function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
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

  async function instance(
    url: string,
    channel: string,
    sequence: RevocationSequence = new MemoryRevocationSequence(),
    publisherUrl = REDIS_URL,
  ) {
    const publisher: Redis = await readyRedis(publisherUrl);
    const changes: LivenessChange[] = [];
    const errors: string[] = [];
    let replayed = 0;
    const bus = new RedisRevocationBus(
      publisher,
      connectRedis(new Secret(url), () => undefined),
      {
        channel,
        sequence,
        onLiveness: (change) => changes.push(change),
        onError: (_error, what) => errors.push(what),
        onReplayed: (count) => (replayed += count),
      },
    );
    const seen: RevocationEvent[] = [];
    let resyncs = 0;
    await bus.subscribe({ onRevoked: (event) => seen.push(event), onResync: () => resyncs++ });
    await bus.start();
    cleanups.push(async () => {
      await bus.close();
      publisher.disconnect();
    });
    return { bus, seen, resyncs: () => resyncs, changes, errors, replayed: () => replayed, publisher };
  }

  const newChannel = () => `rampart:test:revocations:${randomBytes(6).toString('hex')}`;

  it('delivers a revocation to every instance, the publisher included, with its position in the sequence', async () => {
    const channel = newChannel();
    const sequence = new MemoryRevocationSequence();
    const a = await instance(REDIS_URL, channel, sequence);
    const b = await instance(REDIS_URL, channel, sequence);
    await until(() => a.bus.live && b.bus.live, 'both subscriptions live');
    await a.bus.publish({ kind: 'session', id: 'ses_1', revokedAt: 5 });
    await until(() => a.seen.length === 1 && b.seen.length === 1, 'delivery');
    expect(b.seen).toEqual([{ kind: 'session', id: 'ses_1', revokedAt: 5, seq: 1 }]);
    expect(await sequence.after(0, 10)).toEqual([{ kind: 'session', id: 'ses_1', revokedAt: 5, seq: 1 }]);
  });

  it('asks for a resync after the subscriber connection drops and comes back', async () => {
    const proxy = await TcpProxy.start(REDIS_URL);
    cleanups.push(() => proxy.stop());
    const channel = newChannel();
    const sequence = new MemoryRevocationSequence();
    const watcher = await instance(proxy.url(REDIS_URL), channel, sequence);
    const publisher = await instance(REDIS_URL, channel, sequence);
    await until(() => watcher.resyncs() === 1, 'the first subscription');
    await proxy.stop();
    await publisher.bus.publish({ kind: 'session', id: 'ses_lost', revokedAt: 1 });
    await proxy.resume();
    await until(() => watcher.resyncs() === 2, 'the resync after the reconnection');
    await publisher.bus.publish({ kind: 'session', id: 'ses_after', revokedAt: 2 });
    await until(() => watcher.seen.some((event) => event.id === 'ses_after'), 'delivery after the reconnection');
  });

  it('faults 1: a subscriber cut silently stops being live within the bound, reports it once, and a revocation published meanwhile is honoured from the sequence within the bound', async () => {
    const proxy = await TcpProxy.start(REDIS_URL);
    cleanups.push(() => proxy.stop());
    const channel = newChannel();
    const sequence = new MemoryRevocationSequence();
    // The watcher publishes directly (its heartbeat goes out) but receives through the proxy.
    const watcher = await instance(proxy.url(REDIS_URL), channel, sequence);
    const other = await instance(REDIS_URL, channel, sequence);
    await until(() => watcher.bus.live && other.bus.live, 'both live');

    proxy.freeze(); // nothing closes: ioredis still thinks it is subscribed
    const revokedAt = Date.now();
    await other.bus.publish({ kind: 'session', id: 'ses_cut', revokedAt });
    await until(() => watcher.seen.some((event) => event.id === 'ses_cut'), 'the revocation on the cut instance', BOUND_MS + SLACK_MS);
    expect(Date.now() - revokedAt).toBeLessThanOrEqual(BOUND_MS + SLACK_MS);
    expect(watcher.bus.live).toBe(false);
    expect(watcher.changes).toEqual([{ live: true }, { live: false, reason: 'heartbeat_missed' }]);
    expect(watcher.replayed()).toBeGreaterThanOrEqual(1);
    expect(other.bus.live).toBe(true);

    // Thawed: the held bytes arrive, the heartbeat is heard again, live again once (with the duration).
    proxy.thaw();
    await until(() => watcher.bus.live, 'live again');
    expect(watcher.changes).toHaveLength(3);
    expect(watcher.changes[2]).toMatchObject({ live: true });
    expect(watcher.changes[2]?.downForMs).toBeGreaterThan(0);
  });

  it('faults 6: a revocation acknowledged while the subscriber reconnects is replayed from the sequence', async () => {
    const proxy = await TcpProxy.start(REDIS_URL);
    cleanups.push(() => proxy.stop());
    const channel = newChannel();
    const sequence = new MemoryRevocationSequence();
    const watcher = await instance(proxy.url(REDIS_URL), channel, sequence);
    const other = await instance(REDIS_URL, channel, sequence);
    await until(() => watcher.bus.live, 'the watcher live');
    await proxy.stop();
    await until(() => !watcher.bus.live, 'the drop noticed');
    await other.bus.publish({ kind: 'api_key', id: 'key_lost', revokedAt: 7 });
    await until(() => watcher.seen.some((event) => event.id === 'key_lost'), 'the revocation read from the sequence');
    expect(watcher.seen.find((event) => event.id === 'key_lost')).toEqual({ kind: 'api_key', id: 'key_lost', revokedAt: 7, seq: 1 });
    await proxy.resume();
    await until(() => watcher.bus.live, 'live again');
    // Delivered once: the replay and pub/sub do not both hand it over.
    expect(watcher.seen.filter((event) => event.id === 'key_lost')).toHaveLength(1);
  });

  it('faults 1: a publish that reaches the sequence but not Redis still resolves and reaches every instance', async () => {
    const proxy = await TcpProxy.start(REDIS_URL);
    cleanups.push(() => proxy.stop());
    const channel = newChannel();
    const sequence = new MemoryRevocationSequence();
    const cutPublisher = await instance(REDIS_URL, channel, sequence, proxy.url(REDIS_URL));
    const other = await instance(REDIS_URL, channel, sequence);
    await until(() => other.bus.live, 'the other live');
    await proxy.stop();
    await until(() => cutPublisher.publisher.status !== 'ready', 'the publisher connection down');
    await cutPublisher.bus.publish({ kind: 'client', id: 'cli_1', revokedAt: 9 });
    expect(cutPublisher.errors).toContain('revocation publish failed; instances read it from the sequence');
    // The other instance is live (it hears its own heartbeat): its sweep reads the sequence.
    await until(() => other.seen.some((event) => event.id === 'cli_1'), 'the sweep', 5000);
  });

  it('an instance away longer than the sequence keeps (its positions purged) reloads everything instead of replaying', async () => {
    const proxy = await TcpProxy.start(REDIS_URL);
    cleanups.push(() => proxy.stop());
    const channel = newChannel();
    const sequence = new MemoryRevocationSequence();
    // The watcher's own view of the database, which the test can make unreachable.
    let unreachable = false;
    const view: RevocationSequence = {
      append: (event, at) => (unreachable ? Promise.reject(new Error('down')) : sequence.append(event, at)),
      after: (seq, limit) => (unreachable ? Promise.reject(new Error('down')) : sequence.after(seq, limit)),
      head: () => (unreachable ? Promise.reject(new Error('down')) : sequence.head()),
      oldest: () => (unreachable ? Promise.reject(new Error('down')) : sequence.oldest()),
      purge: (before) => (unreachable ? Promise.reject(new Error('down')) : sequence.purge(before)),
    };
    const watcher = await instance(proxy.url(REDIS_URL), channel, view, proxy.url(REDIS_URL));
    const other = await instance(REDIS_URL, channel, sequence);
    await until(() => watcher.bus.live, 'the watcher live');
    const before = watcher.resyncs();
    unreachable = true;
    await proxy.stop();
    for (const id of ['ses_a', 'ses_b', 'ses_c']) await other.bus.publish({ kind: 'session', id, revokedAt: 1 });
    // Only the newest survives the purge: ses_a and ses_b can no longer be replayed.
    await sequence.purge(Date.now() + 60_000);
    unreachable = false;
    await until(() => watcher.seen.some((event) => event.id === 'ses_c'), 'the newest from the sequence');
    expect(watcher.resyncs()).toBeGreaterThan(before);
    expect(watcher.seen.map((event) => event.id)).not.toContain('ses_a');
  });

  it('publish rejects, and records nothing, when the sequence cannot be written', async () => {
    const sequence = new MemoryRevocationSequence();
    const a = await instance(REDIS_URL, newChannel(), sequence);
    sequence.failWith = new Error('database down');
    await expect(a.bus.publish({ kind: 'session', id: 'ses_x', revokedAt: 1 })).rejects.toThrow('database down');
    sequence.failWith = undefined;
    expect(await sequence.head()).toBe(0);
  });

  it('ignores malformed messages on the channel', async () => {
    const channel = newChannel();
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
