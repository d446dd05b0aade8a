/**
 * The {@link ArtifactLog} over the audit capability: its entry locator, its checkpoints and its
 * proofs. Checkpoint signing is shared: callers waiting for a covering checkpoint join the one
 * being signed, and sign another only when that one turns out too small for their entry.
 */
import type { Auditing } from '../../audit/index.js';
import type { ArtifactLog, ArtifactLogEntry } from '../ports/artifact-log.js';

/** C2SP tlog-checkpoint: the second line of the note is the tree size. */
function sizeOf(note: string): number {
  const size = Number(note.split('\n')[1]);
  return Number.isSafeInteger(size) ? size : -1;
}

export class AuditArtifactLog implements ArtifactLog {
  readonly #auditing: Pick<Auditing, 'locator' | 'service'>;
  #issuing: Promise<string> | undefined;

  constructor(auditing: Pick<Auditing, 'locator' | 'service'>) {
    this.#auditing = auditing;
  }

  locate(resource: string, org?: string): Promise<readonly ArtifactLogEntry[]> {
    return this.#auditing.locator.locate(resource, 'artifact.sign', org === undefined ? {} : { org });
  }

  integrate(): Promise<void> {
    return this.#auditing.locator.integrate();
  }

  async checkpointCovering(index: number): Promise<{ readonly size: number; readonly note: string } | undefined> {
    const latest = await this.#auditing.service.latestCheckpoint();
    if (sizeOf(latest) > index) return { size: sizeOf(latest), note: latest };
    // Join the signature under way, if any; it may already cover the entry.
    if (this.#issuing !== undefined) {
      const joined = await this.#issuing;
      if (sizeOf(joined) > index) return { size: sizeOf(joined), note: joined };
    }
    this.#issuing ??= this.#auditing.service.issueCheckpoint().finally(() => {
      this.#issuing = undefined;
    });
    const issued = await this.#issuing;
    return sizeOf(issued) > index ? { size: sizeOf(issued), note: issued } : undefined;
  }

  inclusionProof(index: number, treeSize: number): Promise<{ readonly rootHash: Uint8Array; readonly proof: readonly Uint8Array[] }> {
    return this.#auditing.service.inclusionProof(index, treeSize);
  }

  verifier(): { readonly origin: string; readonly vkey: string } {
    return { origin: this.#auditing.service.origin, vkey: this.#auditing.service.verifierKey() };
  }
}
