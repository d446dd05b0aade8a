/**
 * Checkpoints on demand (issue 20, item 4): each time the log grows, a signed checkpoint covering
 * the new entries is issued within `intervalMs`, and at most one is issued per `intervalMs`
 * however fast the log grows. Requests that arrive while one is waiting or being signed collapse
 * into it or into the next one (which reads the tree size when it runs, so it covers them all);
 * an idle log signs nothing. Timing is monotonic (`performance.now`), never the wall clock.
 */
import { performance } from 'node:perf_hooks';

export class CheckpointScheduler {
  readonly #issue: () => Promise<unknown>;
  readonly #intervalMs: number;
  readonly #onError: (error: unknown) => void;
  /** When the last issue started (monotonic ms). */
  #last = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #wanted = false;
  #closed = false;

  constructor(issue: () => Promise<unknown>, intervalMs: number, onError: (error: unknown) => void) {
    this.#issue = issue;
    this.#intervalMs = intervalMs;
    this.#onError = onError;
  }

  /** The log grew: a checkpoint covering it is issued within the interval (now, if none was issued during the last one). */
  request(): void {
    if (this.#closed) return;
    this.#wanted = true;
    if (this.#timer !== undefined || this.#running !== undefined) return;
    const wait = Math.max(0, this.#last + this.#intervalMs - performance.now());
    this.#timer = setTimeout(() => this.#fire(), wait);
    this.#timer.unref();
  }

  #fire(): void {
    this.#timer = undefined;
    this.#wanted = false;
    this.#last = performance.now();
    this.#running = this.#issue()
      .then(
        () => undefined,
        (error: unknown) => this.#onError(error),
      )
      .finally(() => {
        this.#running = undefined;
        if (this.#wanted) this.request();
      });
  }

  /** Stops scheduling; waits for a checkpoint being signed. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
