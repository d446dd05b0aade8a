/**
 * Fair admission to the password hasher (docs/decisions/011-login-throttling.md): a semaphore
 * with a bounded waiting line for expensive work on the libuv thread pool (argon2id, bcrypt) — at
 * most `maxConcurrent` run and at most `maxQueued` wait; past that `submit` refuses at once, so an
 * overloaded server answers "retry later" in microseconds. A first-come line let sixty addresses,
 * each under its own login limit, fill it so that every other login got 429; this one admits by
 * who asks:
 *
 * - **per source**: one source (an IPv4 address, an IPv6 /64: `domain/login-source.ts`) holds at
 *   most `perSource` hashes, running and waiting together;
 * - **lanes**: `trusted` (a device that signed in to the account before) may use the whole line and
 *   is started first; `recent` (an account with a recent successful sign-in, from an unknown
 *   device) may use all but half of the reserved slice and is started next; `account` (a real
 *   account otherwise) all but the reserved slice; `dummy` (the dummy hash of an unknown account
 *   or a refused attempt) only the spare half of the shared part — so a dummy hash never takes
 *   the room of a real one, and `reserved` places are always left for trusted sign-ins;
 * - **in time**, as the bounded queue: with `maxWaitMs`, a hash is refused when its estimated wait
 *   (the running hashes and those of its lane or a higher one, at the measured mean duration)
 *   passes the bound, and one still waiting when it has waited that long is dropped at its turn.
 *
 * `account` and `dummy` share one first-come line, so while there is spare room an unknown
 * account's attempt waits exactly as long as a wrong password's (no timing signal).
 */
/** A queued hash's wait passed `maxWaitMs` before a slot freed: it was not run. */
export class WorkExpiredError extends Error {
  constructor() {
    super('the task waited longer than the queue allows and was not run');
    this.name = 'WorkExpiredError';
  }
}

/** How an attempt ranks for the hasher; see the module comment. */
export type HashLane = 'trusted' | 'recent' | 'account' | 'dummy';

/**
 * Who a hash is for: the attempt's source key and lane. A hash without a ticket waits in the
 * `account` line, counted to no source, and may use every waiting place.
 */
export interface HashTicket {
  readonly source: string;
  readonly lane: HashLane;
}

/** The bounds of a {@link FairHashQueue}, checked at construction. */
export interface FairHashQueueOptions {
  /** Hashes running at once: an integer ≥ 1. */
  readonly maxConcurrent: number;
  /** Hashes waiting for a slot: an integer ≥ 0. */
  readonly maxQueued: number;
  /** Waiting places only the `trusted` lane may take (half of them also `recent`); a quarter of `maxQueued` by default. */
  readonly reserved?: number;
  /** Hashes one source may have running and waiting at once; `maxQueued / 16` (at least 1) by default. */
  readonly perSource?: number;
  /** Refuse a hash whose estimated wait and run pass this many ms: a number ≥ 0; 0 or absent: no bound in time. */
  readonly maxWaitMs?: number;
  /** The first guess of one hash's duration, in ms, before any was measured. */
  readonly initialTaskMs?: number;
  /** A monotonic clock in ms (`performance.now` by default). */
  readonly now?: () => number;
}

interface Waiting {
  readonly since: number;
  readonly start: () => void;
  readonly expire: () => void;
}

/** Weight of the newest duration in the moving average. */
const SMOOTHING = 0.2;

function checkInteger(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${name} must be an integer ≥ ${min}, got ${String(value)}`);
  return value;
}

/** A semaphore with a bounded, laned, per-source-fair waiting line. */
export class FairHashQueue {
  readonly maxConcurrent: number;
  readonly maxQueued: number;
  readonly reserved: number;
  readonly perSource: number;
  /** 0: no bound in time. */
  readonly maxWaitMs: number;
  readonly #now: () => number;
  /** Waiting lines in the order slots are given: trusted, recent, then account and dummy together. */
  readonly #lines: readonly [Waiting[], Waiting[], Waiting[]] = [[], [], []];
  readonly #bySource = new Map<string, number>();
  #running = 0;
  #meanTaskMs: number;

  constructor(options: FairHashQueueOptions) {
    this.maxConcurrent = checkInteger('maxConcurrent', options.maxConcurrent, 1);
    this.maxQueued = checkInteger('maxQueued', options.maxQueued, 0);
    this.reserved = checkInteger('reserved', options.reserved ?? Math.floor(this.maxQueued / 4), 0);
    if (this.reserved > this.maxQueued) throw new RangeError(`reserved (${this.reserved}) must not exceed maxQueued (${this.maxQueued})`);
    this.perSource = checkInteger('perSource', options.perSource ?? Math.max(1, Math.floor(this.maxQueued / 16)), 1);
    const maxWaitMs = options.maxWaitMs ?? 0;
    if (!Number.isFinite(maxWaitMs) || maxWaitMs < 0) throw new RangeError(`maxWaitMs must be a finite number ≥ 0, got ${maxWaitMs}`);
    this.maxWaitMs = maxWaitMs;
    const initial = options.initialTaskMs ?? 50;
    if (!Number.isFinite(initial) || initial <= 0) throw new RangeError(`initialTaskMs must be a positive number, got ${initial}`);
    this.#meanTaskMs = initial;
    this.#now = options.now ?? (() => performance.now());
  }

  get running(): number {
    return this.#running;
  }

  get queued(): number {
    return this.#lines.reduce((sum, line) => sum + line.length, 0);
  }

  /** Hashes of `source` running and waiting now. */
  inFlight(source: string): number {
    return this.#bySource.get(source) ?? 0;
  }

  /**
   * Runs `task` now if a slot is free (and its source is within its share), or queues it in its
   * lane if the lane has room and, with `maxWaitMs`, it would finish within the bound. Returns
   * `undefined` at once otherwise: the task is not run and nothing waits.
   */
  submit<T>(ticket: HashTicket | undefined, task: () => Promise<T>): Promise<T> | undefined {
    const lane = ticket?.lane ?? 'account';
    const source = ticket?.source;
    if (source !== undefined && this.inFlight(source) >= this.perSource) return undefined;
    const rank = lane === 'trusted' ? 0 : lane === 'recent' ? 1 : 2;
    let run: () => Promise<T>;
    if (this.#running < this.maxConcurrent && this.queued === 0) {
      run = () => this.#start(task);
    } else {
      // A hash without a ticket (a signed-in user's password change, an admin's import) keeps the whole line, as before.
      if (this.queued >= (ticket === undefined ? this.maxQueued : this.#roomOf(lane))) return undefined;
      if (this.maxWaitMs > 0 && this.estimatedWaitMs(lane) > this.maxWaitMs) return undefined;
      run = () =>
        new Promise<T>((resolve, reject) => {
          this.#lines[rank]?.push({
            since: this.#now(),
            start: () => this.#start(task).then(resolve, reject),
            expire: () => reject(new WorkExpiredError()),
          });
        });
    }
    if (source === undefined) return run();
    this.#bySource.set(source, this.inFlight(source) + 1);
    return run().finally(() => this.#release(source));
  }

  /** How long a hash of `lane` submitted now would wait and run, in ms, from the measured mean duration. */
  estimatedWaitMs(lane: HashLane = 'account'): number {
    const [trusted, recent] = this.#lines;
    const ahead = lane === 'trusted' ? trusted.length : lane === 'recent' ? trusted.length + recent.length : this.queued;
    return Math.ceil((this.#running + ahead + 1) / this.maxConcurrent) * this.#meanTaskMs;
  }

  /** How many may be waiting (all lanes together) for a hash of `lane` still to be queued. */
  #roomOf(lane: HashLane): number {
    const shared = this.maxQueued - this.reserved;
    if (lane === 'trusted') return this.maxQueued;
    if (lane === 'recent') return this.maxQueued - Math.ceil(this.reserved / 2);
    if (lane === 'account') return shared;
    return Math.floor(shared / 2);
  }

  #release(source: string): void {
    const left = this.inFlight(source) - 1;
    if (left > 0) this.#bySource.set(source, left);
    else this.#bySource.delete(source);
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

  /** Starts the first waiting hash of the highest lane that has not waited past `maxWaitMs`; rejects those that have. */
  #next(): void {
    const now = this.#now();
    for (const line of this.#lines) {
      for (let next = line.shift(); next !== undefined; next = line.shift()) {
        if (this.maxWaitMs > 0 && now - next.since > this.maxWaitMs) {
          next.expire();
          continue;
        }
        next.start();
        return;
      }
    }
  }
}
