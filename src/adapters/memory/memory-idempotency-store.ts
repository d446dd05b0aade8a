import type { IdempotencyBegin, IdempotencyClaim, IdempotencyStore, StoredResponse } from '../../ports/idempotency-store.js';

interface Row {
  fingerprint: string;
  response: StoredResponse | undefined;
  expiresAt: number;
  lockedUntil: number;
}

/**
 * The reference {@link IdempotencyStore}: one process, no persistence. It is the executable
 * specification the SQL adapter is tested against (the contract suite runs on both).
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #rows = new Map<string, Row>();

  begin(claim: IdempotencyClaim): Promise<IdempotencyBegin> {
    const id = JSON.stringify([claim.scope, claim.key]);
    const row = this.#rows.get(id);
    const lapsed = row !== undefined && (row.expiresAt <= claim.now || (row.response === undefined && row.lockedUntil <= claim.now));
    if (row === undefined || lapsed) {
      this.#rows.set(id, {
        fingerprint: claim.fingerprint,
        response: undefined,
        expiresAt: claim.expiresAt,
        lockedUntil: claim.lockedUntil,
      });
      return Promise.resolve({ state: 'claimed' });
    }
    if (row.response === undefined) return Promise.resolve({ state: 'in_progress', fingerprint: row.fingerprint });
    return Promise.resolve({ state: 'completed', fingerprint: row.fingerprint, response: row.response });
  }

  complete(scope: string, key: string, response: StoredResponse): Promise<void> {
    const row = this.#rows.get(JSON.stringify([scope, key]));
    if (row !== undefined && row.response === undefined) row.response = response;
    return Promise.resolve();
  }

  release(scope: string, key: string): Promise<void> {
    const id = JSON.stringify([scope, key]);
    if (this.#rows.get(id)?.response === undefined) this.#rows.delete(id);
    return Promise.resolve();
  }

  purgeExpired(now: number): Promise<number> {
    let purged = 0;
    for (const [id, row] of this.#rows) {
      if (row.expiresAt <= now) {
        this.#rows.delete(id);
        purged++;
      }
    }
    return Promise.resolve(purged);
  }
}
