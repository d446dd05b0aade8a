/**
 * Redis for tests: connections made the way Rampart makes them (`connectRedis`), and the removal
 * of every key a test wrote, so the shared Redis holds nothing of a run once it ends.
 */
import type { Redis } from 'ioredis';
import { connectRedis } from '../../src/kernel/adapters/redis/redis-connection.js';
import { Secret } from '../../src/kernel/domain/secret.js';
import { REDIS_URL } from './services.js';

/** A connection with Rampart's settings, once it is ready (commands are not queued before). */
export async function readyRedis(url: string = REDIS_URL): Promise<Redis> {
  const redis = connectRedis(new Secret(url));
  if (redis.status !== 'ready') {
    await new Promise<void>((resolve, reject) => {
      redis.once('ready', resolve);
      redis.once('end', () => reject(new Error('redis connection ended before it was ready')));
    });
  }
  return redis;
}

/** Deletes every key starting with `prefix` (SCAN, never KEYS); returns how many. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}
