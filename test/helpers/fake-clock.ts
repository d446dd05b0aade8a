/** A {@link Clock} that only moves when a test moves it: time-based rules are tested without sleeps. */
import type { Clock } from '../../src/kernel/ports/clock.js';

export class FakeClock implements Clock {
  #now: number;

  /** Starts at `start` (ms since the epoch); by default a fixed, round instant. */
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  /** Moves time forward by `ms` (never backwards: a clock that runs back is another test). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance takes a finite, non-negative number of ms');
    this.#now += ms;
  }
}
