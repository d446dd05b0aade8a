/** {@link SessionTombstones} on the shared database: one bound DELETE on the indexed `revoked_at`. */
import type { SessionTombstones } from '../ports/session-tombstones.js';
import type { RampartKysely } from '../../../kernel/adapters/sql/schema.js';

export class SqlSessionTombstones implements SessionTombstones {
  readonly #db: RampartKysely;

  constructor(db: RampartKysely) {
    this.#db = db;
  }

  async purgeRevokedBefore(before: number): Promise<number> {
    const result = await this.#db.deleteFrom('session_tombstones').where('revoked_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
