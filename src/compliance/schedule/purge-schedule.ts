/**
 * The scheduled retention purge: every `RAMPART_RETENTION_PURGE_INTERVAL` (and once shortly after
 * the start), under the backups' run lock with a key of its own — so that on PostgreSQL one
 * instance of the deployment purges at a time and the others skip that turn. A failed run is
 * logged (and audited by the purge, `not_applied:<code>`); the next turn tries again.
 */
import type { LockedRun } from '../../backups/index.js';
import type { PurgeReport } from '../services/retention-purge.js';

/** Advisory lock key of the purge (distinct from the backups' and the audit tree's). */
export const PURGE_RUN_LOCK = 7_263_551_904;

/** The first run, this long after the start: not in the start's own rush. */
const FIRST_RUN_DELAY_MS = 60_000;

export interface PurgeScheduleOptions {
  readonly intervalMs: number;
  readonly lock: { run<T>(work: () => Promise<T>): Promise<LockedRun<T>> };
  readonly purge: () => Promise<PurgeReport>;
  readonly onError: (error: unknown) => void;
  readonly onDone?: (report: PurgeReport) => void;
}

export class PurgeSchedule {
  readonly #o: PurgeScheduleOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();

  constructor(options: PurgeScheduleOptions) {
    this.#o = Object.freeze({ ...options });
  }

  /** One turn: purges unless another run (here or on another instance) holds the lock. */
  async tick(): Promise<LockedRun<PurgeReport>> {
    return this.#o.lock.run(() => this.#o.purge());
  }

  start(): void {
    const turn = (): void => {
      this.#running = this.tick()
        .then((result) => {
          if (result.ran) this.#o.onDone?.(result.value);
        })
        .catch(this.#o.onError);
    };
    this.#timer = setTimeout(
      () => {
        turn();
        this.#timer = setInterval(turn, this.#o.intervalMs);
        this.#timer.unref();
      },
      Math.min(FIRST_RUN_DELAY_MS, this.#o.intervalMs),
    );
    this.#timer.unref();
  }

  /** Stops the timer and waits for a run in progress. */
  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#running;
  }
}
