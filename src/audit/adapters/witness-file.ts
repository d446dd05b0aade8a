/**
 * RAMPART_AUDIT_WITNESS_FILE: every new audit checkpoint appended as one JSON line
 * `{"checkpoint": "<signed note>"}` (the line format of `rampart audit export`), so that
 * `rampart audit verify --checkpoint <file>` checks a log against all of them.
 */
import { appendFile } from 'node:fs/promises';
import type { CheckpointWitness } from '../ports/checkpoint-witness.js';

export class WitnessFile implements CheckpointWitness {
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
  }

  async push(note: string): Promise<void> {
    await appendFile(this.#path, `${JSON.stringify({ checkpoint: note })}\n`, { mode: 0o600 });
  }
}
