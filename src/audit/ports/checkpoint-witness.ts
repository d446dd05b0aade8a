/**
 * Where a copy of each new audit checkpoint goes, outside the database (a file on other storage,
 * later a witness URL), so that rolling the whole database back is detectable: the copy holds a
 * signed tree head the rolled-back log cannot be consistent with.
 */

/** Guarantees: `push` resolves once the note is stored; it rejects when it could not be. */
export interface CheckpointWitness {
  push(note: string): Promise<void>;
  /** The latest checkpoint the witness holds, or undefined when it holds none (a witness that can be read back). */
  latest?(): Promise<string | undefined>;
}
