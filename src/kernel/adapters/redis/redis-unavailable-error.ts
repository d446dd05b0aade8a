/**
 * A Redis command that failed because Redis is not reachable (no connection, a timeout), as
 * opposed to Redis answering with an error (a bug of ours). Callers fail closed with 503 either
 * way; this one is expected during an outage, which is logged once each way
 * (redis-outage-watch.ts), so each refused request logs it at debug level only.
 */
import { ReplyError } from 'ioredis';

export class RedisUnavailableError extends Error {
  constructor(cause: unknown) {
    super('Redis is not available', { cause });
    this.name = 'RedisUnavailableError';
  }
}

/** `error` as a {@link RedisUnavailableError} unless Redis itself answered it. */
export function asRedisFailure(error: unknown): unknown {
  return error instanceof ReplyError ? error : new RedisUnavailableError(error);
}
