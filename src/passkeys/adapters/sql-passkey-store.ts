/**
 * {@link PasskeyStore} on the shared database. The counter is a compare-and-set in one `UPDATE`
 * (`… WHERE sign_count = stored AND (sign_count < presented OR (sign_count = 0 AND presented = 0))`),
 * the per-account cap a count and an insert in one transaction under the account row's lock, and
 * every change of a row names its user as well as its id, so another user's id changes nothing.
 */
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import { dialectOf } from '../../kernel/adapters/sql/sql-database.js';
import { isUniqueViolation } from '../../kernel/adapters/sql/unique-violation.js';
import { TRANSPORTS, type NewPasskey, type Passkey, type Transport } from '../domain/passkey.js';
import type { PasskeyStore } from '../ports/passkey-store.js';
import type { PasskeyTable } from './passkey-tables.js';

function transportsOf(text: string): readonly Transport[] {
  return Object.freeze(text.split(' ').filter((t): t is Transport => (TRANSPORTS as readonly string[]).includes(t)));
}

function passkeyOf(row: PasskeyTable): Passkey {
  return Object.freeze({
    id: row.id,
    userId: row.user_id,
    credentialId: row.credential_id,
    publicKey: row.public_key,
    signCount: Number(row.sign_count),
    transports: transportsOf(row.transports),
    aaguid: row.aaguid,
    backupEligible: Number(row.backup_eligible) === 1,
    backedUp: Number(row.backed_up) === 1,
    name: row.name,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
  });
}

export class SqlPasskeyStore implements PasskeyStore {
  readonly #db: RampartKysely;

  constructor(db: RampartKysely) {
    this.#db = db;
  }

  async add(passkey: NewPasskey, max: number): Promise<boolean> {
    const row: PasskeyTable = {
      id: passkey.id,
      user_id: passkey.userId,
      credential_id: passkey.credentialId,
      public_key: passkey.publicKey,
      sign_count: passkey.signCount,
      transports: passkey.transports.join(' '),
      aaguid: passkey.aaguid,
      backup_eligible: passkey.backupEligible ? 1 : 0,
      backed_up: passkey.backedUp ? 1 : 0,
      name: passkey.name,
      created_at: passkey.createdAt,
      last_used_at: null,
    };
    try {
      return await this.#db.transaction().execute(async (trx) => {
        // The account's row is the lock that serialises its registrations (PostgreSQL; SQLite
        // transactions are serial already), so concurrent registrations cannot pass the cap.
        let owner = trx.selectFrom('users').select('id').where('id', '=', passkey.userId);
        if (dialectOf(this.#db) === 'postgres') owner = owner.forUpdate();
        if ((await owner.executeTakeFirst()) === undefined) return false;
        const held = await trx
          .selectFrom('passkeys')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('user_id', '=', passkey.userId)
          .executeTakeFirstOrThrow();
        if (Number(held.n) >= max) return false;
        await trx.insertInto('passkeys').values(row).execute();
        return true;
      });
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async list(userId: string, after: string | undefined, limit: number): Promise<readonly Passkey[]> {
    let query = this.#db.selectFrom('passkeys').selectAll().where('user_id', '=', userId);
    if (after !== undefined) query = query.where('id', '>', after);
    const rows = await query.orderBy('id').limit(limit).execute();
    return rows.map(passkeyOf);
  }

  async allOf(userId: string): Promise<readonly Passkey[]> {
    const rows = await this.#db.selectFrom('passkeys').selectAll().where('user_id', '=', userId).orderBy('id').execute();
    return rows.map(passkeyOf);
  }

  async has(userId: string): Promise<boolean> {
    const row = await this.#db.selectFrom('passkeys').select('id').where('user_id', '=', userId).limit(1).executeTakeFirst();
    return row !== undefined;
  }

  async findByCredentialId(credentialId: string): Promise<Passkey | undefined> {
    const row = await this.#db.selectFrom('passkeys').selectAll().where('credential_id', '=', credentialId).executeTakeFirst();
    return row === undefined ? undefined : passkeyOf(row);
  }

  async advanceCounter(id: string, stored: number, presented: number, backedUp: boolean, now: number): Promise<boolean> {
    const result = await this.#db
      .updateTable('passkeys')
      .set({ sign_count: presented, backed_up: backedUp ? 1 : 0, last_used_at: now })
      .where('id', '=', id)
      .where('sign_count', '=', stored)
      .where((eb) => eb.or([eb('sign_count', '<', presented), eb.and([eb('sign_count', '=', 0), eb(eb.val(presented), '=', 0)])]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async rename(userId: string, id: string, name: string): Promise<Passkey | undefined> {
    const row = await this.#db
      .updateTable('passkeys')
      .set({ name })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .returningAll()
      .executeTakeFirst();
    return row === undefined ? undefined : passkeyOf(row);
  }

  async remove(userId: string, id: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('passkeys').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }
}
