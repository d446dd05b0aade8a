/**
 * The {@link RevocationSequence} of one process: an array. The reference the SQL adapter's
 * contract tests follow, and the record the bus's unit tests read.
 */
import type { RevocationEvent } from '../../ports/revocation-bus.js';
import type { RevocationSequence, SequencedRevocation } from '../../ports/revocation-sequence.js';

export class MemoryRevocationSequence implements RevocationSequence {
  #rows: { revocation: SequencedRevocation; recordedAt: number }[] = [];
  #next = 1;
  /** When set, every call rejects with it (a database that does not answer). */
  failWith: Error | undefined;

  append(event: RevocationEvent, recordedAt: number): Promise<number> {
    if (this.failWith !== undefined) return Promise.reject(this.failWith);
    const seq = this.#next++;
    this.#rows.push({ revocation: Object.freeze({ kind: event.kind, id: event.id, revokedAt: event.revokedAt, seq }), recordedAt });
    return Promise.resolve(seq);
  }

  after(seq: number, limit: number): Promise<SequencedRevocation[]> {
    if (this.failWith !== undefined) return Promise.reject(this.failWith);
    return Promise.resolve(
      this.#rows
        .filter((row) => row.revocation.seq > seq)
        .slice(0, limit)
        .map((row) => row.revocation),
    );
  }

  head(): Promise<number> {
    if (this.failWith !== undefined) return Promise.reject(this.failWith);
    return Promise.resolve(this.#next - 1);
  }

  oldest(): Promise<number> {
    if (this.failWith !== undefined) return Promise.reject(this.failWith);
    return Promise.resolve(this.#rows[0]?.revocation.seq ?? 0);
  }

  purge(before: number): Promise<number> {
    if (this.failWith !== undefined) return Promise.reject(this.failWith);
    const newest = this.#rows.at(-1);
    const kept = this.#rows.filter((row) => row.recordedAt >= before || row === newest);
    const purged = this.#rows.length - kept.length;
    this.#rows = kept;
    return Promise.resolve(purged);
  }
}
