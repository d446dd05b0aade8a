/**
 * {@link PasswordChangeRequirements} on the shared database: the `users.password_change_required_at`
 * column (migration 0029), set with the bootstrap admin's row and cleared by `setPassword`.
 */
import type { RampartKysely } from '../../../kernel/adapters/sql/schema.js';
import type { PasswordChangeRequirements } from '../ports/password-change-requirements.js';

declare module '../../adapters/identity-tables.js' {
  interface UserTable {
    /** Since when the password must be changed before anything else, ms (migration 0029); null: not required. */
    password_change_required_at: number | null;
  }
}

export class SqlPasswordChangeRequirements implements PasswordChangeRequirements {
  readonly #db: RampartKysely;

  constructor(db: RampartKysely) {
    this.#db = db;
  }

  async requiredSince(userId: string): Promise<number | undefined> {
    const row = await this.#db.selectFrom('users').select('password_change_required_at').where('id', '=', userId).executeTakeFirst();
    const since = row?.password_change_required_at;
    return since === null || since === undefined ? undefined : Number(since);
  }
}
