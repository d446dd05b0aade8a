/**
 * Where the alert rules count (audit/services/audit-alerts.ts, which holds the in-memory one;
 * adapters/redis-alert-counter.ts the shared one): hits per key in a sliding window.
 * In memory, each instance counts what it sees; in Redis, every instance counts together, so
 * five failed logins spread over three instances still raise the alert, once.
 *
 * Guarantees: `hit` records one hit at `now` and resolves with the hits within `(now - windowMs,
 * now]`, this one included, atomically — of N concurrent hits on one key, each sees a different
 * count, so a rule that fires when the count equals its threshold fires exactly once per window.
 * Keys may be personal (an email, an address): an adapter that stores them outside the process
 * stores a digest. A failure of the backing store rejects (the rule is logged, never the caller's).
 */
export interface AlertCounter {
  hit(key: string, now: number, windowMs: number): Promise<number>;
}
