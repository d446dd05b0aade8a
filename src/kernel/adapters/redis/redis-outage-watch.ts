/**
 * Makes a Redis outage visible once each way instead of once per refused request: it follows a
 * connection's state and reports the transition down (when the connection that was ready drops)
 * and up (when it is ready again, with how long it was away). Errors ioredis emits while the
 * outage lasts (one per reconnection attempt) are expected then, and are not reported again.
 */
import type { Redis } from 'ioredis';

export interface OutageChange {
  readonly up: boolean;
  /** Coming back: how long the dependency was unavailable (ms). */
  readonly downForMs?: number;
}

export interface OutageWatch {
  /** Whether the connection is ready now. */
  readonly up: boolean;
  /** Whether an error should be reported (false while an outage is already known). */
  shouldReport(): boolean;
}

/**
 * Follows `redis`: `onChange` is called once when it goes down, once when it is back. `monotonic`
 * measures the outage (tests pass their own).
 */
export function watchRedisOutages(
  redis: Redis,
  onChange: (change: OutageChange) => void,
  monotonic: () => number = () => performance.now(),
): OutageWatch {
  let up = redis.status === 'ready';
  let downSince = monotonic();
  const down = (): void => {
    if (!up) return;
    up = false;
    downSince = monotonic();
    onChange({ up: false });
  };
  redis.on('close', down);
  redis.on('end', down);
  redis.on('ready', () => {
    if (up) return;
    up = true;
    onChange({ up: true, downForMs: Math.round(monotonic() - downSince) });
  });
  return {
    get up() {
      return up;
    },
    shouldReport: () => up,
  };
}
