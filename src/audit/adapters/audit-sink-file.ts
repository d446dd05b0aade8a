/**
 * RAMPART_AUDIT_SINK_FILE: a second, best-effort copy of the audit log for a SIEM shipper — every
 * entry this instance integrates, appended as one JSON line (the spec's Entry shape, personal
 * fields disclosed) to a file created 0600. It never blocks or fails the durable log: lines wait
 * in a bounded buffer, and what does not fit (a stuck disk, a slow shipper) is dropped and
 * counted (`rampart_audit_sink_dropped_total`). The tamper-evident log stays the record; the
 * file's entries carry their index and leaf hash, so gaps are visible and can be refilled with
 * `rampart audit export`. The copy is outside erasure and retention: it is the operator's to rotate.
 */
import { open, type FileHandle } from 'node:fs/promises';

export interface AuditSinkFileOptions {
  /** Lines waiting to be written at most; more are dropped. Default 10,000. */
  readonly maxBuffered?: number;
  readonly onError: (error: unknown) => void;
}

export class AuditSinkFile {
  readonly #path: string;
  readonly #max: number;
  readonly #onError: (error: unknown) => void;
  #buffer: string[] = [];
  #writing: Promise<void> | undefined;
  #file: FileHandle | undefined;
  #dropped = 0;
  #written = 0;
  #closed = false;

  constructor(path: string, options: AuditSinkFileOptions) {
    this.#path = path;
    this.#max = options.maxBuffered ?? 10_000;
    this.#onError = options.onError;
  }

  /** Lines dropped because the buffer was full (or the sink closed). */
  get dropped(): number {
    return this.#dropped;
  }

  get written(): number {
    return this.#written;
  }

  /** Queues entries (each one JSON line); never waits, never throws. */
  offer(entries: readonly unknown[]): void {
    for (const entry of entries) {
      if (this.#closed || this.#buffer.length >= this.#max) {
        this.#dropped += 1;
        continue;
      }
      this.#buffer.push(`${JSON.stringify(entry)}\n`);
    }
    this.#writing ??= this.#drain();
  }

  async #drain(): Promise<void> {
    try {
      while (this.#buffer.length > 0) {
        const lines = this.#buffer;
        this.#buffer = [];
        try {
          this.#file ??= await open(this.#path, 'a', 0o600);
          await this.#file.appendFile(lines.join(''));
          this.#written += lines.length;
        } catch (error) {
          this.#dropped += lines.length;
          this.#onError(error);
        }
      }
    } finally {
      this.#writing = undefined;
    }
  }

  /** Writes what is buffered and closes the file. */
  async flush(): Promise<void> {
    while (this.#writing !== undefined) await this.#writing;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
    await this.#file?.close();
    this.#file = undefined;
  }
}
