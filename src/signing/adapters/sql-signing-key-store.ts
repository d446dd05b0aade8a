/**
 * The built-in {@link SigningKeyStore}: table `signing_keyring` (migration 0020-signing). The table
 * holds no org's rows, so it is read and written outside any tenant scope. A rotation's insert and
 * the retirement of the previous keys are one transaction.
 */
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import type { SigningKeyRecord, SigningPurpose } from '../domain/signing-key.js';
import type { SigningKeyStore } from '../ports/signing-key-store.js';
import type { SigningKeyringTable } from './signing-tables.js';

function nullableNumber(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}

function recordOf(row: SigningKeyringTable): SigningKeyRecord {
  return {
    id: row.id,
    purpose: row.purpose as SigningPurpose,
    publicKey: Buffer.from(row.public_key, 'base64'),
    kekId: row.kek_id,
    wrappedSeed: row.wrapped_seed,
    // PostgreSQL answers bigint columns as text.
    notBefore: Number(row.not_before),
    retiredAt: nullableNumber(row.retired_at),
    verifyUntil: nullableNumber(row.verify_until),
    createdAt: Number(row.created_at),
  };
}

export class SqlSigningKeyStore implements SigningKeyStore {
  readonly #db: RampartKysely;

  constructor(db: RampartKysely) {
    this.#db = db;
  }

  async list(purpose?: SigningPurpose): Promise<readonly SigningKeyRecord[]> {
    let query = this.#db.selectFrom('signing_keyring').selectAll();
    if (purpose !== undefined) query = query.where('purpose', '=', purpose);
    const rows = await query.orderBy('created_at', 'asc').orderBy('id', 'asc').execute();
    return rows.map(recordOf);
  }

  async add(key: SigningKeyRecord, retire?: { readonly at: number; readonly verifyUntil: number }): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      if (retire !== undefined) {
        await trx
          .updateTable('signing_keyring')
          .set({ retired_at: retire.at, verify_until: retire.verifyUntil })
          .where('purpose', '=', key.purpose)
          .where('retired_at', 'is', null)
          .execute();
      }
      await trx
        .insertInto('signing_keyring')
        .values({
          id: key.id,
          purpose: key.purpose,
          public_key: key.publicKey.toString('base64'),
          kek_id: key.kekId,
          wrapped_seed: key.wrappedSeed,
          not_before: key.notBefore,
          retired_at: key.retiredAt,
          verify_until: key.verifyUntil,
          created_at: key.createdAt,
        })
        .execute();
    });
  }

  async rewrap(id: string, fromKekId: string, toKekId: string, wrappedSeed: string): Promise<boolean> {
    const result = await this.#db
      .updateTable('signing_keyring')
      .set({ kek_id: toKekId, wrapped_seed: wrappedSeed })
      .where('id', '=', id)
      .where('kek_id', '=', fromKekId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
