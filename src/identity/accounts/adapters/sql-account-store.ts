/**
 * {@link AccountStore} on the shared database. Erasure runs in one transaction: tombstones first
 * (from the session rows about to cascade away), then the user row, whose foreign keys remove
 * memberships, sessions, refresh tokens and set-password tokens.
 */
import type { User } from '../domain/user.js';
import type { AccountStore, UserPageQuery } from '../ports/account-store.js';
import type { RampartKysely } from '../../../kernel/adapters/sql/schema.js';
import { withSystem } from '../../../kernel/adapters/sql/rls-scope.js';
import { appendEvent } from '../../../kernel/events/event-outbox.js';

export class SqlAccountStore implements AccountStore {
  readonly #db: RampartKysely;

  constructor(db: RampartKysely) {
    this.#db = db;
  }

  async list(query: UserPageQuery): Promise<readonly User[]> {
    let select = this.#db.selectFrom('users').selectAll().orderBy('id').limit(query.limit);
    if (query.afterId !== undefined) select = select.where('id', '>', query.afterId);
    if (query.email !== undefined) select = select.where('email', '=', query.email);
    const rows = await select.execute();
    return rows.map((row) =>
      Object.freeze({
        id: row.id,
        email: row.email,
        name: row.name,
        passwordHash: row.password_hash,
        status: row.status === 'active' ? ('active' as const) : ('disabled' as const),
        createdAt: row.created_at,
        updatedAt: row.updated_at,
        passwordChangedAt: row.password_changed_at,
        failedLogins: row.failed_logins,
        nextLoginAt: row.next_login_at,
        emailVerifiedAt: row.email_verified_at,
      }),
    );
  }

  async rename(id: string, name: string | null, now: number): Promise<boolean> {
    const result = await this.#db.updateTable('users').set({ name, updated_at: now }).where('id', '=', id).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async setPassword(id: string, passwordHash: string, now: number): Promise<boolean> {
    const result = await this.#db
      .updateTable('users')
      // Any password change lifts the bootstrap admin's must-change mark (migration 0029).
      .set({
        password_hash: passwordHash,
        password_changed_at: now,
        updated_at: now,
        failed_logins: 0,
        next_login_at: null,
        password_change_required_at: null,
      })
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  // System: the user's memberships span orgs.
  async erase(id: string, now: number): Promise<boolean> {
    return withSystem(this.#db, async (trx) => {
      const sessions = await trx.selectFrom('sessions').select(['id', 'revoked_at']).where('user_id', '=', id).execute();
      if (sessions.length > 0) {
        await trx
          .insertInto('session_tombstones')
          .values(sessions.map((s) => ({ session_id: s.id, revoked_at: s.revoked_at ?? now })))
          .onConflict((oc) => oc.column('session_id').doNothing())
          .execute();
      }
      // Explicit deletes: SQLite enforces the cascades only with foreign_keys on; this is exact either way.
      const ids = sessions.map((s) => s.id);
      if (ids.length > 0) await trx.deleteFrom('refresh_tokens').where('session_id', 'in', ids).execute();
      await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
      await trx.deleteFrom('password_tokens').where('user_id', '=', id).execute();
      await trx.deleteFrom('memberships').where('user_id', '=', id).execute();
      const result = await trx.deleteFrom('users').where('id', '=', id).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) return false;
      // A deployment event (users are no org's): the id only, never the email.
      await appendEvent(trx, { type: 'user.deleted', orgId: null, data: { user_id: id } }, now);
      return true;
    });
  }
}
