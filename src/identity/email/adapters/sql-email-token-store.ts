/**
 * {@link EmailTokenStore} on the shared database. A token is spent by one guarded statement
 * (`UPDATE … SET used_at WHERE token_hash = ? AND used_at IS NULL AND expires_at > now`) inside
 * the transaction of the change it makes, so the database picks the single winner and a change
 * that fails leaves the token as it was. Users and their tokens are no org's rows.
 */
import { DomainError } from '../../../kernel/domain/errors.js';
import { isUniqueViolation } from '../../../kernel/adapters/sql/unique-violation.js';
import type { RampartKysely } from '../../../kernel/adapters/sql/schema.js';
import type { TenantTransaction } from '../../../kernel/adapters/sql/rls-scope.js';
import { isEmailTokenPurpose, type EmailToken } from '../domain/email-token.js';
import type { EmailTokenStore, NewEmailToken } from '../ports/email-token-store.js';
import type { EmailTokenTable } from './email-tables.js';

/** Thrown inside a transaction to roll it back when the token or the account no longer fits. */
class NotApplied extends Error {}

export class SqlEmailTokenStore implements EmailTokenStore {
  readonly #db: RampartKysely;

  constructor(db: RampartKysely) {
    this.#db = db;
  }

  async issue(token: NewEmailToken): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('email_tokens')
        .where('user_id', '=', token.userId)
        .where('purpose', '=', token.purpose)
        .where('used_at', 'is', null)
        .execute();
      const row: EmailTokenTable = {
        token_hash: token.tokenHash,
        purpose: token.purpose,
        user_id: token.userId,
        new_email: token.email,
        created_at: token.now,
        expires_at: token.expiresAt,
        used_at: null,
      };
      await trx.insertInto('email_tokens').values(row).execute();
    });
  }

  async findUsable(tokenHash: string, now: number): Promise<EmailToken | undefined> {
    const row = await this.#db
      .selectFrom('email_tokens')
      .select(['purpose', 'user_id', 'new_email', 'expires_at'])
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (row === undefined || row.new_email === null || !isEmailTokenPurpose(row.purpose)) return undefined;
    return Object.freeze({ purpose: row.purpose, userId: row.user_id, email: row.new_email, expiresAt: row.expires_at });
  }

  async applyVerify(tokenHash: string, token: EmailToken, now: number): Promise<boolean> {
    return this.#applied(async (trx) => {
      await spend(trx, tokenHash, token, now);
      const verified = await trx
        .updateTable('users')
        .set({ email_verified_at: now, updated_at: now })
        .where('id', '=', token.userId)
        .where('email', '=', token.email)
        .executeTakeFirst();
      if (Number(verified.numUpdatedRows) !== 1) throw new NotApplied();
    });
  }

  async applyChange(tokenHash: string, token: EmailToken, now: number): Promise<{ readonly oldEmail: string } | undefined> {
    try {
      return await this.#db.transaction().execute(async (trx) => {
        await spend(trx, tokenHash, token, now);
        const user = await trx.selectFrom('users').select('email').where('id', '=', token.userId).executeTakeFirst();
        if (user === undefined) throw new NotApplied();
        const changed = await trx
          .updateTable('users')
          .set({ email: token.email, email_verified_at: now, updated_at: now })
          .where('id', '=', token.userId)
          .where('email', '=', user.email)
          .executeTakeFirst();
        if (Number(changed.numUpdatedRows) !== 1) throw new NotApplied();
        // The account's other unused links were mailed for the old address: they stop working.
        await trx.deleteFrom('email_tokens').where('user_id', '=', token.userId).where('used_at', 'is', null).execute();
        return { oldEmail: user.email };
      });
    } catch (error) {
      if (error instanceof NotApplied) return undefined;
      if (isUniqueViolation(error)) throw new DomainError('conflict', 'Another account has this email address', { cause: error });
      throw error;
    }
  }

  async applyReset(tokenHash: string, token: EmailToken, passwordHash: string, now: number): Promise<boolean> {
    return this.#applied(async (trx) => {
      await spend(trx, tokenHash, token, now);
      const reset = await trx
        .updateTable('users')
        .set((eb) => ({
          password_hash: passwordHash,
          password_changed_at: now,
          updated_at: now,
          failed_logins: 0,
          next_login_at: null,
          // The reset link reached this address: it is proven.
          email_verified_at: eb.fn.coalesce('email_verified_at', eb.val(now)),
        }))
        .where('id', '=', token.userId)
        .where('email', '=', token.email)
        .executeTakeFirst();
      if (Number(reset.numUpdatedRows) !== 1) throw new NotApplied();
    });
  }

  async purgeExpired(before: number): Promise<number> {
    const result = await this.#db.deleteFrom('email_tokens').where('expires_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async #applied(work: (trx: TenantTransaction) => Promise<void>): Promise<boolean> {
    try {
      await this.#db.transaction().execute(work);
      return true;
    } catch (error) {
      if (error instanceof NotApplied) return false;
      throw error;
    }
  }
}

/** Spends the token in `trx`; throws {@link NotApplied} when it was spent or expired meanwhile. */
async function spend(trx: TenantTransaction, tokenHash: string, token: EmailToken, now: number): Promise<void> {
  const spent = await trx
    .updateTable('email_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', token.purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (Number(spent.numUpdatedRows) !== 1) throw new NotApplied();
}
