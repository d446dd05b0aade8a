/**
 * What a start has opened, closed in reverse. Every part that holds a handle (a connection, a
 * subscription, a timer) is pushed as soon as it is open; a start that fails closes what was
 * opened before it, and `close()` at shutdown does the same. Node 20 has no
 * `AsyncDisposableStack`, so this is the small one Rampart needs.
 *
 * Rules:
 * 1. Closed in reverse order of opening: a part is closed before what it was built on.
 * 2. Every closer runs, even after one fails; the failures are collected, never swallowed.
 * 3. Each closer runs at most once: a second `closeAll()` finds the stack empty.
 */

/** Anything with an asynchronous or synchronous `close()`. */
export interface Closeable {
  close(): Promise<unknown> | void;
}

export class CloseStack {
  readonly #closers: Array<{ readonly name: string; readonly close: () => Promise<unknown> | void }> = [];

  /** Pushes `part` and returns it, so that opening and pushing are one expression. */
  add<T extends Closeable>(name: string, part: T): T {
    this.#closers.push({ name, close: () => part.close() });
    return part;
  }

  /** Pushes a closing step that is not an object's `close()` (a timer to clear, a connection to drop). */
  defer(name: string, close: () => Promise<unknown> | void): void {
    this.#closers.push({ name, close });
  }

  /** How many closers are waiting. */
  get size(): number {
    return this.#closers.length;
  }

  /** Closes everything pushed, newest first; resolves with one {@link CloseFailure} per closer that threw. */
  async closeAll(): Promise<readonly CloseFailure[]> {
    const failures: CloseFailure[] = [];
    for (const closer of this.#closers.splice(0).reverse()) {
      try {
        await closer.close();
      } catch (error) {
        failures.push(new CloseFailure(closer.name, error));
      }
    }
    return failures;
  }

  /**
   * For a start that failed with `cause`: closes everything, then rethrows `cause`. A closer's own
   * failure is attached as `cause.closeFailures` rather than hiding why the start failed.
   */
  async unwind(cause: unknown): Promise<never> {
    const failures = await this.closeAll();
    if (failures.length > 0 && cause instanceof Error) Object.assign(cause, { closeFailures: failures });
    throw cause;
  }
}

/** One part that could not be closed, named. */
export class CloseFailure extends Error {
  readonly part: string;

  constructor(part: string, cause: unknown) {
    super(`closing ${part} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'CloseFailure';
    this.part = part;
  }
}
