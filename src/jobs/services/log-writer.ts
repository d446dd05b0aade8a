/**
 * Writes a running job's output to the store in batches (every {@link FLUSH_MS} or
 * {@link FLUSH_BYTES}, whichever comes first), in order, and tells the instance's log streams.
 * The sandbox has already capped the output (`outputBytes`), so what reaches here is bounded.
 * A write that fails is reported and the job goes on: output is not a transition.
 */
import type { Clock } from '../../kernel/ports/clock.js';
import type { JobRecord } from '../domain/job.js';
import type { JobStore } from '../ports/job-store.js';
import type { LogFeed } from './log-feed.js';

const FLUSH_MS = 100;
const FLUSH_BYTES = 64 * 1024;

export class LogWriter {
  readonly #store: JobStore;
  readonly #job: JobRecord;
  readonly #feed: LogFeed;
  readonly #clock: Clock;
  readonly #onError: (error: unknown) => void;
  #pending: { stream: 'stdout' | 'stderr'; data: Buffer }[] = [];
  #pendingBytes = 0;
  #timer: NodeJS.Timeout | undefined;
  #chain: Promise<void> = Promise.resolve();

  constructor(store: JobStore, job: JobRecord, feed: LogFeed, clock: Clock, onError: (error: unknown) => void) {
    this.#store = store;
    this.#job = job;
    this.#feed = feed;
    this.#clock = clock;
    this.#onError = onError;
  }

  readonly write = (stream: 'stdout' | 'stderr', chunk: Buffer): void => {
    if (chunk.length === 0) return;
    this.#pending.push({ stream, data: Buffer.from(chunk) });
    this.#pendingBytes += chunk.length;
    if (this.#pendingBytes >= FLUSH_BYTES) this.#flush();
    else this.#timer ??= setTimeout(() => this.#flush(), FLUSH_MS);
  };

  #flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#chain = this.#chain
      .then(() => this.#store.appendLogs(this.#job, batch, this.#clock.now()))
      .then(() => this.#feed.notify(this.#job.id))
      .catch(this.#onError);
  }

  /** Writes what is left; resolves once every batch is stored. */
  async close(): Promise<void> {
    this.#flush();
    await this.#chain;
  }
}
