import type { IdempotencyBegin, IdempotencyClaim, IdempotencyStore, StoredResponse } from '../../ports/idempotency-store.js';
import type { RampartKysely } from './schema.js';

/**
 * {@link IdempotencyStore} on the shared database, so that every instance sees every key.
 * The claim is one `INSERT … ON CONFLICT DO NOTHING RETURNING`: the database decides who wins.
 */
export class SqlIdempotencyStore implements IdempotencyStore {
  readonly #db: RampartKysely;

  constructor(db: RampartKysely) {
    this.#db = db;
  }

  async begin(claim: IdempotencyClaim): Promise<IdempotencyBegin> {
    for (let attempt = 0; attempt < 3; attempt++) {
      // An expired record, or a claim whose holder died (lock lapsed), is absent.
      await this.#db
        .deleteFrom('idempotency_keys')
        .where('scope', '=', claim.scope)
        .where('key', '=', claim.key)
        .where((eb) =>
          eb.or([eb('expires_at', '<=', claim.now), eb.and([eb('state', '=', 'in_progress'), eb('locked_until', '<=', claim.now)])]),
        )
        .execute();
      const inserted = await this.#db
        .insertInto('idempotency_keys')
        .values({
          scope: claim.scope,
          key: claim.key,
          fingerprint: claim.fingerprint,
          state: 'in_progress',
          status: null,
          headers: null,
          body: null,
          created_at: claim.now,
          expires_at: claim.expiresAt,
          locked_until: claim.lockedUntil,
        })
        .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
        .returning('scope')
        .executeTakeFirst();
      if (inserted !== undefined) return { state: 'claimed' };
      const existing = await this.#db
        .selectFrom('idempotency_keys')
        .select(['fingerprint', 'state', 'status', 'headers', 'body'])
        .where('scope', '=', claim.scope)
        .where('key', '=', claim.key)
        .executeTakeFirst();
      if (existing === undefined) continue; // released between our insert and select: try again
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
    return { state: 'in_progress', fingerprint: claim.fingerprint };
  }

  async complete(scope: string, key: string, response: StoredResponse): Promise<void> {
    await this.#db
      .updateTable('idempotency_keys')
      .set({ state: 'completed', status: response.status, headers: JSON.stringify(response.headers), body: response.body })
      .where('scope', '=', scope)
      .where('key', '=', key)
      .where('state', '=', 'in_progress')
      .execute();
  }

  async release(scope: string, key: string): Promise<void> {
    await this.#db
      .deleteFrom('idempotency_keys')
      .where('scope', '=', scope)
      .where('key', '=', key)
      .where('state', '=', 'in_progress')
      .execute();
  }

  async purgeExpired(now: number): Promise<number> {
    const result = await this.#db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
