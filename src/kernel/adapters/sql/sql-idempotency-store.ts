import type { IdempotencyBegin, IdempotencyClaim, IdempotencyStore, StoredResponse } from '../../ports/idempotency-store.js';
import type { RampartKysely } from './schema.js';

/** Rounds of "claim, else read" before giving up; only a release racing every read exhausts them. */
const ATTEMPTS = 3;

/**
 * {@link IdempotencyStore} on the shared database, so that every instance sees every key.
 *
 * The claim is one statement, `INSERT … ON CONFLICT (scope, key) DO UPDATE … WHERE <the row
 * there is expired or its lock lapsed> RETURNING`: the database decides who wins, and a lapsed
 * row is taken over in the same step (never delete-then-insert, which leaves a gap between the
 * two). A row comes back only to the one caller whose insert or take-over happened. A claim is
 * named by (scope, key, created_at = claim.now): `complete` and `release` match all three, so a
 * holder whose lock lapsed cannot touch the claim that replaced its own.
 */
export class SqlIdempotencyStore implements IdempotencyStore {
  readonly #db: RampartKysely;

  constructor(db: RampartKysely) {
    this.#db = db;
  }

  async begin(claim: IdempotencyClaim): Promise<IdempotencyBegin> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (await this.#claim(claim)) return { state: 'claimed' };
      const existing = await this.#db
        .selectFrom('idempotency_keys')
        .select(['fingerprint', 'state', 'status', 'headers', 'body'])
        .where('scope', '=', claim.scope)
        .where('key', '=', claim.key)
        .executeTakeFirst();
      if (existing === undefined) continue; // released between our claim and this read: try again
      if (existing.state !== 'completed' || existing.status === null) {
        return { state: 'in_progress', fingerprint: existing.fingerprint };
      }
      const response: StoredResponse = {
        status: existing.status,
        headers: JSON.parse(existing.headers ?? '{}') as Record<string, string>,
        body: existing.body ?? '',
      };
      return { state: 'completed', fingerprint: existing.fingerprint, response };
    }
    // Claimed and released by others on every round: report it busy (409), never run unclaimed.
    return { state: 'in_progress', fingerprint: claim.fingerprint };
  }

  /** One atomic statement: insert the claim, or take over a row that counts as absent. */
  async #claim(claim: IdempotencyClaim): Promise<boolean> {
    const row = {
      fingerprint: claim.fingerprint,
      state: 'in_progress',
      status: null,
      headers: null,
      body: null,
      created_at: claim.now,
      expires_at: claim.expiresAt,
      locked_until: claim.lockedUntil,
    };
    const claimed = await this.#db
      .insertInto('idempotency_keys')
      .values({ scope: claim.scope, key: claim.key, ...row })
      .onConflict((oc) =>
        oc
          .columns(['scope', 'key'])
          .doUpdateSet(row)
          .where((eb) =>
            eb.or([
              eb('idempotency_keys.expires_at', '<=', claim.now),
              eb.and([eb('idempotency_keys.state', '=', 'in_progress'), eb('idempotency_keys.locked_until', '<=', claim.now)]),
            ]),
          ),
      )
      .returning('scope')
      .executeTakeFirst();
    return claimed !== undefined;
  }

  async complete(claim: IdempotencyClaim, response: StoredResponse): Promise<void> {
    await this.#db
      .updateTable('idempotency_keys')
      .set({ state: 'completed', status: response.status, headers: JSON.stringify(response.headers), body: response.body })
      .where('scope', '=', claim.scope)
      .where('key', '=', claim.key)
      .where('state', '=', 'in_progress')
      .where('created_at', '=', claim.now)
      .execute();
  }

  async release(claim: IdempotencyClaim): Promise<void> {
    await this.#db
      .deleteFrom('idempotency_keys')
      .where('scope', '=', claim.scope)
      .where('key', '=', claim.key)
      .where('state', '=', 'in_progress')
      .where('created_at', '=', claim.now)
      .execute();
  }

  async purgeExpired(now: number): Promise<number> {
    const result = await this.#db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
