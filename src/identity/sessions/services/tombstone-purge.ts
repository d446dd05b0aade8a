/**
 * Purges session tombstones once they can no longer matter (docs/decisions/004-user-deletion.md):
 * a tombstone refuses the access tokens of an erased user's session, and none of those outlives
 * the longest access-token lifetime plus clock tolerance. Tombstones are kept as long as the
 * revocation set keeps a revoked id ({@link TOMBSTONE_RETAIN_MS}, with a minute's margin for clock
 * skew between instances), so an instance that reloads its set never misses one that still counts.
 */
import { MIN_REVOCATION_RETAIN_MS } from '../domain/revocation-set.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { SessionTombstones } from '../ports/session-tombstones.js';

/** How long a tombstone is kept after its session's revocation: the longest token life, plus a minute. */
export const TOMBSTONE_RETAIN_MS = MIN_REVOCATION_RETAIN_MS + 60_000;
/** How often the purge runs by default. */
export const TOMBSTONE_PURGE_INTERVAL_MS = 10 * 60_000;

export interface TombstonePurgeOptions {
  readonly tombstones: SessionTombstones;
  readonly clock: Clock;
  /** A purge that failed (the store is down): reported; the next run retries. */
  readonly onError: (error: unknown) => void;
  readonly intervalMs?: number;
}

export class TombstonePurge {
  readonly #options: TombstonePurgeOptions;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: TombstonePurgeOptions) {
    this.#options = options;
  }

  /** Deletes every tombstone older than {@link TOMBSTONE_RETAIN_MS}; resolves with how many went. */
  purgeOnce(): Promise<number> {
    return this.#options.tombstones.purgeRevokedBefore(this.#options.clock.now() - TOMBSTONE_RETAIN_MS);
  }

  /** Runs {@link purgeOnce} every interval; the timer is unref'd (it never keeps the process alive). */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => {
      this.purgeOnce().catch(this.#options.onError);
    }, this.#options.intervalMs ?? TOMBSTONE_PURGE_INTERVAL_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
