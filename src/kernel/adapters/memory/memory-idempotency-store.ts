import type { IdempotencyBegin, IdempotencyClaim, IdempotencyStore, StoredResponse } from '../../ports/idempotency-store.js';

interface Row {
  fingerprint: string;
  response: StoredResponse | undefined;
  /** The `now` of the claim that made the row: `complete` and `release` must name it. */
  claimedAt: number;
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
    const id = rowId(claim.scope, claim.key);
    const row = this.#rows.get(id);
    const lapsed = row !== undefined && (row.expiresAt <= claim.now || (row.response === undefined && row.lockedUntil <= claim.now));
    if (row === undefined || lapsed) {
      this.#rows.set(id, {
        fingerprint: claim.fingerprint,
        response: undefined,
        claimedAt: claim.now,
        expiresAt: claim.expiresAt,
        lockedUntil: claim.lockedUntil,
      });
      return Promise.resolve({ state: 'claimed' });
    }
    if (row.response === undefined) return Promise.resolve({ state: 'in_progress', fingerprint: row.fingerprint });
    return Promise.resolve({ state: 'completed', fingerprint: row.fingerprint, response: row.response });
  }

  complete(claim: IdempotencyClaim, response: StoredResponse): Promise<void> {
    const row = this.#claimed(claim);
    if (row !== undefined) row.response = response;
    return Promise.resolve();
  }

  release(claim: IdempotencyClaim): Promise<void> {
    if (this.#claimed(claim) !== undefined) this.#rows.delete(rowId(claim.scope, claim.key));
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

  /** The row `claim` made, while it is still in progress. */
  #claimed(claim: IdempotencyClaim): Row | undefined {
    const row = this.#rows.get(rowId(claim.scope, claim.key));
    return row !== undefined && row.response === undefined && row.claimedAt === claim.now ? row : undefined;
  }
}

function rowId(scope: string, key: string): string {
  return JSON.stringify([scope, key]);
}
