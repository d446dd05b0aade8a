/**
 * A semaphore with a bounded waiting line, for expensive work that runs on the libuv thread pool
 * (argon2id, bcrypt). At most `maxConcurrent` tasks run and at most `maxQueued` wait; past that,
 * `submit` refuses at once instead of letting the line grow without limit, so an overloaded server
 * answers "retry later" in microseconds rather than holding connections for seconds.
 *
 * A line of 64 argon2id hashes is still seconds long on one core, so the line may also be bounded
 * in time: with `maxWaitMs`, a task is refused when the estimated time until it would finish (the
 * tasks ahead of it and itself, at the moving average of measured task durations) passes the
 * bound. A task that finds a free slot always runs: the bound only ever shortens the line. The
 * estimate is an average, so the bound is also a deadline: a queued task that has waited longer
 * than `maxWaitMs` when its turn comes is not run but rejected with {@link WorkExpiredError}, so a
 * task that runs has waited at most that long, however wrong the estimate was.
 */

/** A queued task's wait passed `maxWaitMs` before a slot freed: it was not run. */
export class WorkExpiredError extends Error {
  constructor() {
    super('the task waited longer than the queue allows and was not run');
    this.name = 'WorkExpiredError';
  }
}

interface Waiting {
  /** When it was queued, on the queue's clock. */
  readonly since: number;
  readonly start: () => void;
  readonly expire: () => void;
}

/** The bounds of a {@link BoundedWorkQueue}, checked at construction. */
export interface BoundedWorkQueueOptions {
  /** Tasks running at once: an integer ≥ 1. */
  readonly maxConcurrent: number;
  /** Tasks waiting for a slot: an integer ≥ 0. */
  readonly maxQueued: number;
  /**
   * Refuse a task that would have to wait when its estimated finish ({@link BoundedWorkQueue.estimatedWaitMs})
   * is more than this many ms away: a number ≥ 0; 0 or absent: no bound but `maxQueued`.
   */
  readonly maxWaitMs?: number;
  /** The first guess of one task's duration, in ms, before any was measured. */
  readonly initialTaskMs?: number;
  /** A monotonic clock in ms (`performance.now` by default); injectable for tests. */
  readonly now?: () => number;
}

/** Weight of the newest duration in the moving average. */
const SMOOTHING = 0.2;

function checkInteger(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

/** A FIFO semaphore with a bounded queue and a running estimate of how long the queue takes. */
export class BoundedWorkQueue {
  readonly maxConcurrent: number;
  readonly maxQueued: number;
  /** 0: no bound in time. */
  readonly maxWaitMs: number;
  readonly #now: () => number;
  readonly #waiting: Waiting[] = [];
  #running = 0;
  #meanTaskMs: number;

  constructor(options: BoundedWorkQueueOptions) {
    this.maxConcurrent = checkInteger('maxConcurrent', options.maxConcurrent, 1);
    this.maxQueued = checkInteger('maxQueued', options.maxQueued, 0);
    const maxWaitMs = options.maxWaitMs ?? 0;
    if (!Number.isFinite(maxWaitMs) || maxWaitMs < 0) throw new RangeError(`maxWaitMs must be a finite number ≥ 0, got ${maxWaitMs}`);
    this.maxWaitMs = maxWaitMs;
    const initial = options.initialTaskMs ?? 50;
    if (!Number.isFinite(initial) || initial <= 0) throw new RangeError(`initialTaskMs must be a positive number, got ${initial}`);
    this.#meanTaskMs = initial;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Tasks running now. */
  get running(): number {
    return this.#running;
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.#waiting.length;
  }

  /**
   * Runs `task` now if a slot is free, or queues it (FIFO) if the queue has room and, with
   * `maxWaitMs`, it would finish within that bound. Returns `undefined` at once otherwise: the
   * task is not run and nothing waits.
   */
  submit<T>(task: () => Promise<T>): Promise<T> | undefined {
    if (this.#running < this.maxConcurrent) return this.#start(task);
    if (this.#waiting.length >= this.maxQueued) return undefined;
    if (this.maxWaitMs > 0 && this.estimatedWaitMs() > this.maxWaitMs) return undefined;
    return new Promise<T>((resolve, reject) => {
      this.#waiting.push({
        since: this.#now(),
        start: () => this.#start(task).then(resolve, reject),
        expire: () => reject(new WorkExpiredError()),
      });
    });
  }

  /** How long a task submitted now would wait and run, in ms, from the measured mean duration. */
  estimatedWaitMs(): number {
    const rounds = Math.ceil((this.#running + this.#waiting.length + 1) / this.maxConcurrent);
    return rounds * this.#meanTaskMs;
  }

  #start<T>(task: () => Promise<T>): Promise<T> {
    this.#running += 1;
    const started = this.#now();
    let work: Promise<T>;
    try {
      work = task();
    } catch (error) {
      work = Promise.reject(error);
    }
    return work.finally(() => {
      const took = Math.max(0, this.#now() - started);
      this.#meanTaskMs = (1 - SMOOTHING) * this.#meanTaskMs + SMOOTHING * took;
      this.#running -= 1;
      this.#next();
    });
  }

  /** Starts the first queued task that has not waited past `maxWaitMs`; rejects those that have. */
  #next(): void {
    const now = this.#now();
    for (let next = this.#waiting.shift(); next !== undefined; next = this.#waiting.shift()) {
      if (this.maxWaitMs > 0 && now - next.since > this.maxWaitMs) {
        next.expire();
        continue;
      }
      next.start();
      return;
    }
  }
}
