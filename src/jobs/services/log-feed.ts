/**
 * Tells this instance's log streams that a job has new output or has ended, so that a stream of
 * a job running here follows it at once; streams of jobs running elsewhere also poll the store
 * (see log-stream.ts). Listeners are kept per job and dropped when their stream ends.
 */
export type LogFeedListener = () => void;

export class LogFeed {
  readonly #listeners = new Map<string, Set<LogFeedListener>>();

  listen(jobId: string, listener: LogFeedListener): () => void {
    let set = this.#listeners.get(jobId);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(jobId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(jobId);
    };
  }

  notify(jobId: string): void {
    for (const listener of this.#listeners.get(jobId) ?? []) listener();
  }
}
