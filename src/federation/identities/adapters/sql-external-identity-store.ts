/**
 * {@link ExternalIdentityStore} on the shared database (SQLite or PostgreSQL, the same queries).
 * Linked identities belong to people, not to orgs: no row-level security applies, and every
 * statement names the account it reaches. An unlink that must keep a way in locks the account's
 * row first (PostgreSQL; SQLite serialises writers), so two concurrent unlinks cannot both see
 * "one more left".
 */
import { sql } from 'kysely';
import { DomainError } from '../../../kernel/domain/errors.js';
import { dialectOf } from '../../../kernel/adapters/sql/sql-database.js';
import type { RampartKysely } from '../../../kernel/adapters/sql/schema.js';
import { isUniqueViolation } from '../../../kernel/adapters/sql/unique-violation.js';
import { isProviderRef, type ExternalIdentity, type NewExternalIdentity, type ProviderRef } from '../domain/external-identity.js';
import type { ExternalIdentityStore } from '../ports/external-identity-store.js';
import type { ExternalIdentityTable } from './external-identity-tables.js';

function toIdentity(row: ExternalIdentityTable): ExternalIdentity {
  // A row is only written through `link`, whose provider type-checks; anything else is corruption.
  if (!isProviderRef(row.provider)) throw new Error(`external identity ${row.id} has an unknown provider`);
  return Object.freeze({
    id: row.id,
    userId: row.user_id,
    provider: row.provider,
    subject: row.subject,
    email: row.email,
    emailVerified: row.email_verified === 1,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
  });
}

function toRow(identity: NewExternalIdentity): ExternalIdentityTable {
  return {
    id: identity.id,
    user_id: identity.userId,
    provider: identity.provider,
    subject: identity.subject,
    email: identity.email,
    email_verified: identity.emailVerified ? 1 : 0,
    created_at: identity.now,
    last_used_at: identity.now,
  };
}

export class SqlExternalIdentityStore implements ExternalIdentityStore {
  readonly #db: RampartKysely;

  constructor(db: RampartKysely) {
    this.#db = db;
  }

  async link(identity: NewExternalIdentity): Promise<ExternalIdentity> {
    const row = toRow(identity);
    try {
      await this.#db.insertInto('external_identities').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('conflict', 'This identity is already linked to an account', { cause: error });
      throw error;
    }
    return toIdentity(row);
  }

  async findBySubject(provider: ProviderRef, subject: string): Promise<ExternalIdentity | undefined> {
    const row = await this.#db
      .selectFrom('external_identities')
      .selectAll()
      .where('provider', '=', provider)
      .where('subject', '=', subject)
      .executeTakeFirst();
    return row === undefined ? undefined : toIdentity(row);
  }

  async findOfUser(userId: string, id: string): Promise<ExternalIdentity | undefined> {
    const row = await this.#db
      .selectFrom('external_identities')
      .selectAll()
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row === undefined ? undefined : toIdentity(row);
  }

  async listOfUser(userId: string, after: string | undefined, limit: number): Promise<readonly ExternalIdentity[]> {
    let query = this.#db.selectFrom('external_identities').selectAll().where('user_id', '=', userId);
    if (after !== undefined) query = query.where('id', '>', after);
    return (await query.orderBy('id').limit(limit).execute()).map(toIdentity);
  }

  async countOfUser(userId: string): Promise<number> {
    const row = await this.#db
      .selectFrom('external_identities')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async recordUse(id: string, now: number, email: string | null, emailVerified: boolean): Promise<void> {
    await this.#db
      .updateTable('external_identities')
      .set({ last_used_at: now, email, email_verified: emailVerified ? 1 : 0 })
      .where('id', '=', id)
      .execute();
  }

  async unlink(userId: string, id: string, keepOne: boolean): Promise<'unlinked' | 'last' | 'not_found'> {
    const postgres = dialectOf(this.#db) === 'postgres';
    return this.#db.transaction().execute(async (trx) => {
      // The account's row is the lock every unlink of its identities queues on (PostgreSQL).
      if (postgres) await sql`select id from users where id = ${userId} for update`.execute(trx);
      const own = await trx
        .selectFrom('external_identities')
        .select('id')
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (own === undefined) return 'not_found';
      if (keepOne) {
        const row = await trx
          .selectFrom('external_identities')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('user_id', '=', userId)
          .executeTakeFirstOrThrow();
        if (Number(row.n) <= 1) return 'last';
      }
      await trx.deleteFrom('external_identities').where('id', '=', id).where('user_id', '=', userId).execute();
      return 'unlinked';
    });
  }
}
