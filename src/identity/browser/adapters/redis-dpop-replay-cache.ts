/**
 * {@link DpopReplayCache} shared by every instance: `SET key 1 PX ttl NX` is one atomic command,
 * so of N instances claiming one proof id exactly one gets `OK`.
 */
import type { Redis } from 'ioredis';
import type { DpopReplayCache } from '../ports/dpop-replay-cache.js';

export class RedisDpopReplayCache implements DpopReplayCache {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, prefix = 'rampart:dpop:') {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  async claim(key: string, expiresAt: number, now: number): Promise<boolean> {
    const ttl = Math.max(1, Math.ceil(expiresAt - now));
    const result = await this.#redis.set(`${this.#prefix}${key}`, '1', 'PX', ttl, 'NX');
    return result === 'OK';
  }
}
