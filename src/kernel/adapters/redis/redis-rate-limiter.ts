import type { Redis } from 'ioredis';
import { checkRateLimitArguments, type RateLimiter, type RateLimitResult } from '../../ports/rate-limiter.js';
import { asRedisFailure } from './redis-unavailable-error.js';

// One round trip, atomic on the Redis server: count the hit, start the window on the first one,
// and read how long the window has left. KEYS[1] = counter, ARGV[1] = window in ms. The
// `ttl < 0` branch heals a counter that lost its expiry (it would otherwise never reset).
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
 * script, so concurrent hits from any number of instances are counted exactly. ioredis sends the
 * script in full on each new connection (then by SHA), so a restarted Redis, which has lost its
 * script cache, is served after the reconnection without a NOSCRIPT failure. A hit that fails
 * because Redis is unreachable rejects with a `RedisUnavailableError` (the caller fails
 * closed with 503 and logs the outage once, not per request).
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
    checkRateLimitArguments(limit, windowMs);
    let count: number;
    let ttl: number;
    try {
      [count, ttl] = await this.#hit(`${this.#prefix}${key}`, windowMs);
    } catch (error) {
      throw asRedisFailure(error);
    }
    // PTTL answers 0 in the last millisecond of a window (Redis expires a key only after its
    // deadline): the window still ends, so report 1 ms rather than a reset of 0.
    return { allowed: count <= limit, limit, remaining: Math.max(0, limit - count), resetMs: Math.min(windowMs, Math.max(1, ttl)) };
  }

  /** The connection belongs to the caller, who closes it. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
