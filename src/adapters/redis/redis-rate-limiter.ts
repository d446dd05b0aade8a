import type { Redis } from 'ioredis';
import type { RateLimiter, RateLimitResult } from '../../ports/rate-limiter.js';

// One round trip, atomic on the Redis server: count the hit, start the window on the first one,
// and read how long the window has left. KEYS[1] = counter, ARGV[1] = window in ms.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if count == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }
`;

type HitCommand = (key: string, windowMs: number) => Promise<[number, number]>;

/**
 * {@link RateLimiter} shared by every instance through Redis: fixed windows counted by one Lua
 * script, so concurrent hits from any number of instances are counted exactly.
 */
export class RedisRateLimiter implements RateLimiter {
  readonly #prefix: string;
  readonly #hit: HitCommand;

  constructor(redis: Redis, prefix = 'rampart:rl:') {
    this.#prefix = prefix;
    if (!('rampartRateLimitHit' in redis)) {
      redis.defineCommand('rampartRateLimitHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    }
    const command = (redis as unknown as { rampartRateLimitHit: HitCommand }).rampartRateLimitHit;
    this.#hit = command.bind(redis);
  }

  async hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    const [count, ttl] = await this.#hit(`${this.#prefix}${key}`, windowMs);
    return { allowed: count <= limit, limit, remaining: Math.max(0, limit - count), resetMs: Math.max(0, ttl) };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
