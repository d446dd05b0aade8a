/** {@link SignInHistory} on the `sessions` table: one indexed read, bounded, newest first. */
import type { RampartKysely } from '../../../kernel/adapters/sql/schema.js';
import type { PastSignIn, SignInHistory } from '../ports/sign-in-history.js';

export class SqlSignInHistory implements SignInHistory {
  readonly #db: RampartKysely;

  constructor(db: RampartKysely) {
    this.#db = db;
  }

  async recent(userId: string, since: number, limit: number): Promise<readonly PastSignIn[]> {
    const rows = await this.#db
      .selectFrom('sessions')
      .select(['ip', 'user_agent', 'dpop_jkt', 'created_at'])
      .where('user_id', '=', userId)
      .where('created_at', '>=', since)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ ip: row.ip, userAgent: row.user_agent, dpopJkt: row.dpop_jkt, createdAt: Number(row.created_at) }));
  }
}
