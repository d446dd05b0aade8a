import { Redis } from 'ioredis';
import type { Secret } from '../../domain/secret.js';

/**
 * Connects to Redis so that an outage fails fast instead of queueing: no offline queue, one retry
 * per command, reconnects in the background. `onError` receives connection errors (never the URL).
 */
export function connectRedis(url: Secret<string>, onError?: (error: Error) => void): Redis {
  const redis = new Redis(url.reveal(), {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  redis.on('error', (error: Error) => onError?.(error));
  return redis;
}

/** Whether Redis answers PING within `timeoutMs`. Never throws. */
export async function pingRedis(redis: Redis, timeoutMs = 1000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      redis.ping().then((answer) => answer === 'PONG'),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
