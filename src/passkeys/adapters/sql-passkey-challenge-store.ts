/**
 * {@link PasskeyChallengeStore} on the shared database: a challenge is spent by one guarded
 * `UPDATE … WHERE used_at IS NULL AND expires_at > ? … RETURNING`, so the database picks the one
 * winner of a race; expired rows are removed when a new challenge is made.
 */
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import type { CeremonyPurpose } from '../domain/passkey.js';
import type { PasskeyChallengeStore, StoredChallenge } from '../ports/passkey-challenge-store.js';

export class SqlPasskeyChallengeStore implements PasskeyChallengeStore {
  readonly #db: RampartKysely;

  constructor(db: RampartKysely) {
    this.#db = db;
  }

  async create(challengeHash: string, challenge: StoredChallenge, now: number, expiresAt: number): Promise<void> {
    await this.#db.deleteFrom('passkey_challenges').where('expires_at', '<=', now).execute();
    await this.#db
      .insertInto('passkey_challenges')
      .values({
        challenge_hash: challengeHash,
        purpose: challenge.purpose,
        user_id: challenge.userId,
        binding: challenge.binding,
        created_at: now,
        expires_at: expiresAt,
        used_at: null,
      })
      .execute();
  }

  async consume(
    challengeHash: string,
    purpose: CeremonyPurpose,
    binding: string | null,
    now: number,
  ): Promise<StoredChallenge | undefined> {
    const row = await this.#db
      .updateTable('passkey_challenges')
      .set({ used_at: now })
      .where('challenge_hash', '=', challengeHash)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .where((eb) => (binding === null ? eb('binding', 'is', null) : eb('binding', '=', binding)))
      .returning(['purpose', 'user_id', 'binding'])
      .executeTakeFirst();
    if (row === undefined) return undefined;
    return Object.freeze({ purpose: row.purpose as CeremonyPurpose, userId: row.user_id, binding: row.binding });
  }
}
