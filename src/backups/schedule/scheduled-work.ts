/**
 * One kind of scheduled work (the backup, the restore drill): asked on every tick whether it is
 * due (schedule-spec.ts), it runs under its {@link RunLock} — so that one instance of the
 * deployment runs each slot — after checking again, under the lock, that no other instance ran
 * it meanwhile. "When did the latest run start" comes from the database (the runs every instance
 * recorded) and from this process's own latest attempt, so that an attempt that failed before it
 * could be recorded is not retried on every tick either.
 */
import type { Clock } from '../../kernel/ports/clock.js';
import { isDue, type ScheduleSpec } from './schedule-spec.js';
import type { RunLock } from './run-lock.js';

/** What a tick did. */
export type TickOutcome = 'not_due' | 'skipped' | 'succeeded' | 'failed';

export interface ScheduledWorkOptions {
  readonly spec: ScheduleSpec;
  readonly lock: RunLock;
  readonly clock: Clock;
  /** When the latest recorded run (any outcome, any instance) started, if any. */
  readonly lastStarted: () => Promise<number | undefined>;
  /** The work; resolves whether it succeeded. It reports its own failures (log, audit, metric) and never rejects. */
  readonly run: () => Promise<boolean>;
}

export class ScheduledWork {
  readonly #o: ScheduledWorkOptions;
  #attemptedAt: number | undefined;

  constructor(options: ScheduledWorkOptions) {
    this.#o = Object.freeze({ ...options });
  }

  get spec(): ScheduleSpec {
    return this.#o.spec;
  }

  async #due(): Promise<boolean> {
    const recorded = await this.#o.lastStarted();
    const last = Math.max(recorded ?? -Infinity, this.#attemptedAt ?? -Infinity);
    return isDue(this.#o.spec, this.#o.clock.now(), Number.isFinite(last) ? last : undefined);
  }

  /** Runs the work if it is due and nobody else is running it. */
  async tick(): Promise<TickOutcome> {
    if (!(await this.#due())) return 'not_due';
    const result = await this.#o.lock.run(async (): Promise<TickOutcome> => {
      if (!(await this.#due())) return 'not_due';
      this.#attemptedAt = this.#o.clock.now();
      return (await this.#o.run()) ? 'succeeded' : 'failed';
    });
    return result.ran ? result.value : 'skipped';
  }
}
