/**
 * A semaphore with a bounded waiting line, for expensive work that runs on the libuv thread pool
 * (argon2id, bcrypt). At most `maxConcurrent` tasks run and at most `maxQueued` wait; past that,
 * `submit` refuses at once instead of letting the line grow without limit, so an overloaded server
 * answers "retry later" in microseconds rather than holding connections for seconds.
 */

/** The bounds of a {@link BoundedWorkQueue}, checked at construction. */
export interface BoundedWorkQueueOptions {
  /** Tasks running at once: an integer ≥ 1. */
  readonly maxConcurrent: number;
  /** Tasks waiting for a slot: an integer ≥ 0. */
  readonly maxQueued: number;
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
  readonly #now: () => number;
  readonly #waiting: (() => void)[] = [];
  #running = 0;
  #meanTaskMs: number;

  constructor(options: BoundedWorkQueueOptions) {
    this.maxConcurrent = checkInteger('maxConcurrent', options.maxConcurrent, 1);
    this.maxQueued = checkInteger('maxQueued', options.maxQueued, 0);
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
   * Runs `task` now if a slot is free, or queues it (FIFO) if the queue has room. Returns
   * `undefined` at once when the queue is full: the task is not run and nothing waits.
   */
  submit<T>(task: () => Promise<T>): Promise<T> | undefined {
    if (this.#running < this.maxConcurrent) return this.#start(task);
    if (this.#waiting.length >= this.maxQueued) return undefined;
    return new Promise<T>((resolve, reject) => {
      this.#waiting.push(() => {
        this.#start(task).then(resolve, reject);
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
      this.#waiting.shift()?.();
    });
  }
}
