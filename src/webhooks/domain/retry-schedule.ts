/**
 * The retry schedule (issue 15, item 3; docs/decisions/023-webhooks.md): after the n-th failed
 * attempt the next one waits `schedule[n-1]` seconds, spread by ±20 % jitter so that the
 * deliveries a receiver's outage failed together do not all return together. The default is
 * Svix's: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h — eight attempts over about 27.5 hours. When the
 * schedule is spent the delivery is given up (`failed`); a manager may still retry it by hand.
 */

/** The default delays between attempts, in seconds. */
export const DEFAULT_RETRY_SCHEDULE: readonly number[] = Object.freeze([5, 300, 1800, 7200, 18_000, 36_000, 36_000]);

/** How far the jitter moves a delay either way, as a fraction of it. */
export const JITTER = 0.2;

/**
 * The delay in ms before the attempt after `failedAttempts` failures, or `undefined` when the
 * schedule is spent. `unit` is a uniformly random number in [0, 1) (the caller draws it).
 */
export function retryDelayMs(schedule: readonly number[], failedAttempts: number, unit: number): number | undefined {
  const seconds = schedule[failedAttempts - 1];
  if (seconds === undefined) return undefined;
  return Math.round(seconds * 1000 * (1 - JITTER + 2 * JITTER * unit));
}
