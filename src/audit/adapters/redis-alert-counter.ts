/**
 * The {@link AlertCounter} every instance shares through Redis: one sorted set per key (scored by
 * hit time), trimmed to the window, added to and counted by one Lua script — atomic on the Redis
 * server, so concurrent hits from any number of instances each see a different count. Keys are
 * stored as SHA-256 digests (an email or an address never reaches Redis), each set expires with
 * its window and holds at most {@link MAX_HITS} hits.
 */
import type { Redis } from 'ioredis';
import { sha256 } from '../../kernel/crypto/digest.js';
import { randomToken } from '../../kernel/crypto/random.js';
import type { AlertCounter } from '../ports/alert-counter.js';

const MAX_HITS = 10_000;

// KEYS[1] = the set; ARGV[1] = now (ms), ARGV[2] = window (ms), ARGV[3] = a unique member, ARGV[4] = the cap.
const HIT_SCRIPT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZADD', KEYS[1], now, ARGV[3])
local count = redis.call('ZCARD', KEYS[1])
local cap = tonumber(ARGV[4])
if count > cap then
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, count - cap - 1)
  count = cap
end
redis.call('PEXPIRE', KEYS[1], window)
return count
`;

type HitCommand = (key: string, now: number, windowMs: number, member: string, cap: number) => Promise<number>;

export class RedisAlertCounter implements AlertCounter {
  readonly #prefix: string;
  readonly #hit: HitCommand;

  constructor(redis: Redis, prefix = 'rampart:alert:') {
    this.#prefix = prefix;
    if (!('rampartAlertHit' in redis)) redis.defineCommand('rampartAlertHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    const command = (redis as unknown as { rampartAlertHit: HitCommand }).rampartAlertHit;
    this.#hit = command.bind(redis);
  }

  async hit(key: string, now: number, windowMs: number): Promise<number> {
    const count = await this.#hit(`${this.#prefix}${sha256(key).toString('hex')}`, now, windowMs, `${now}:${randomToken(9)}`, MAX_HITS);
    return Number(count);
  }
}
