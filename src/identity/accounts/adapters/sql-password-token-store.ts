/**
 * {@link PasswordTokenStore} on the shared database: consumption is one guarded statement,
 * `UPDATE … SET used_at WHERE token_hash = ? AND used_at IS NULL AND expires_at > now RETURNING`,
 * so the database picks the single winner.
 */
import type { PasswordTokenStore } from '../ports/password-token-store.js';
import type { RampartKysely } from '../../../kernel/adapters/sql/schema.js';

export class SqlPasswordTokenStore implements PasswordTokenStore {
  readonly #db: RampartKysely;

  constructor(db: RampartKysely) {
    this.#db = db;
  }

  async issue(tokenHash: string, userId: string, now: number, expiresAt: number): Promise<void> {
    await this.#db
      .insertInto('password_tokens')
      .values({ token_hash: tokenHash, user_id: userId, created_at: now, expires_at: expiresAt, used_at: null })
      .execute();
  }

  async findUsable(tokenHash: string, now: number): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom('password_tokens')
      .select('user_id')
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return row?.user_id;
  }

  async consume(tokenHash: string, now: number): Promise<string | undefined> {
    const row = await this.#db
      .updateTable('password_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('user_id')
      .executeTakeFirst();
    return row?.user_id;
  }
}
