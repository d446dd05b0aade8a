import { Redis } from 'ioredis';
import type { Secret } from '../../domain/secret.js';

export interface RedisConnectionOptions {
  /**
   * How long a command may wait for its answer before it fails (default 1000 ms). A connection
   * for blocking commands (BLPOP, XREAD BLOCK) needs a longer one, or its own connection.
   */
  readonly commandTimeoutMs?: number;
}

/**
 * Connects to Redis so that an outage fails fast instead of queueing or hanging, and heals by
 * itself:
 * - no offline queue: while disconnected, a command fails at once (callers fail closed, 503)
 *   instead of waiting to run later, when its answer no longer matters;
 * - a command timeout: a Redis that stops answering with the connection still open (a network
 *   partition, a stalled server) fails each command after `commandTimeoutMs` instead of holding
 *   every request that waits on it;
 * - one retry per command, and reconnection in the background for as long as it takes, so a
 *   restarted Redis is used again with no restart of Rampart.
 * `onError` receives connection errors (never the URL).
 */
export function connectRedis(url: Secret<string>, onError?: (error: Error) => void, options: RedisConnectionOptions = {}): Redis {
  const commandTimeout = options.commandTimeoutMs ?? 1000;
  if (!Number.isSafeInteger(commandTimeout) || commandTimeout < 1) throw new RangeError('commandTimeoutMs must be a positive integer');
  const redis = new Redis(url.reveal(), {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout,
    connectTimeout: 2000,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  redis.on('error', (error: Error) => onError?.(error));
  return redis;
}

/**
 * Waits until `redis` is ready (connected, and through ioredis's own ready check), at most
 * `timeoutMs`; resolves whether it is. A command sent before then fails at once (no offline
 * queue), so a one-shot check such as `rampart doctor` must wait here before it pings.
 */
export function whenReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise<boolean>((resolve) => {
    const done = (ready: boolean): void => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ready);
    };
    const onReady = (): void => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    redis.on('ready', onReady);
  });
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
