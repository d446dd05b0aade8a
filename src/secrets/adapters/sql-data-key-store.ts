/**
 * The built-in {@link DataKeyStore}: the `secret_data_keys` table (migration 0010-secrets), and the
 * versions for rewrap. Scoped methods run in their scope's transaction (`inScope`); the methods
 * across orgs in a system transaction (`withSystem`, the `rampart_system` policy). Concurrency:
 * - one `active` data key per org (partial unique index `secret_data_keys_one_active`); a
 *   replacement retires the previous key with a compare-and-set on its state, and a second
 *   active key fails the index: either way the loser's transaction stores nothing;
 * - a data key is inserted only while its KEK is `active`, read `FOR SHARE` on PostgreSQL in the
 *   same transaction, so `addKek` (which updates that row) waits for it and a rotation's scan that
 *   starts afterwards sees the new key; SQLite serialises transactions;
 * - a reservation is one conditional update (`encryptions + count <= max`);
 * - a version's rewrap is a compare-and-set on its data key, so a crash leaves it before or after.
 */
import { sql } from 'kysely';
import { withSystem, type TenantTransaction } from '../../kernel/adapters/sql/rls-scope.js';
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import type { SqlDialectName } from '../../kernel/adapters/sql/sql-database.js';
import { isUniqueViolation } from '../../kernel/adapters/sql/unique-violation.js';
import type { DataKeyRecord } from '../domain/secret-record.js';
import type { KeyScope, SystemScope } from '../domain/system-scope.js';
import type { DataKeyStore, StaleVersion } from '../ports/data-key-store.js';
import type { SealedVersion } from '../ports/secret-store.js';
import { dataKeyRecord, inScope } from './sql-secret-shared.js';

export class SqlDataKeyStore implements DataKeyStore {
  readonly #db: RampartKysely;
  readonly #dialect: SqlDialectName;

  constructor(db: RampartKysely, dialect: SqlDialectName) {
    this.#db = db;
    this.#dialect = dialect;
  }

  #in<T>(scope: KeyScope, work: (trx: TenantTransaction) => Promise<T>): Promise<T> {
    return inScope(this.#db, this.#dialect, scope, work);
  }

  /** Work across orgs: a plain transaction with `app.system` set (the `rampart_system` policy). */
  #system<T>(work: (trx: TenantTransaction) => Promise<T>): Promise<T> {
    return withSystem(this.#db, work);
  }

  active(scope: KeyScope): Promise<DataKeyRecord | undefined> {
    return this.#in(scope, async (trx) => {
      const row = await trx
        .selectFrom('secret_data_keys')
        .selectAll()
        .where('org_id', '=', scope.orgId)
        .where('state', '=', 'active')
        .executeTakeFirst();
      return row === undefined ? undefined : dataKeyRecord(row);
    });
  }

  find(scope: KeyScope, id: string): Promise<DataKeyRecord | undefined> {
    return this.#in(scope, async (trx) => {
      const row = await trx
        .selectFrom('secret_data_keys')
        .selectAll()
        .where('org_id', '=', scope.orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row === undefined ? undefined : dataKeyRecord(row);
    });
  }

  reserve(scope: KeyScope, id: string, count: number, max: number): Promise<number | undefined> {
    return this.#in(scope, async (trx) => {
      const updated = await trx
        .updateTable('secret_data_keys')
        .set({ encryptions: sql<number>`encryptions + ${count}` })
        .where('org_id', '=', scope.orgId)
        .where('id', '=', id)
        .where('state', '=', 'active')
        .where(sql<boolean>`encryptions + ${count} <= ${max}`)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) return undefined;
      const row = await trx.selectFrom('secret_data_keys').select('encryptions').where('id', '=', id).executeTakeFirstOrThrow();
      return Number(row.encryptions);
    });
  }

  async replace(scope: KeyScope, previousId: string | undefined, key: DataKeyRecord): Promise<boolean> {
    if (key.orgId !== scope.orgId) throw new RangeError('the data key belongs to another org');
    try {
      return await this.#in(scope, async (trx) => {
        let kek = trx.selectFrom('secret_keks').select('id').where('id', '=', key.kekId).where('state', '=', 'active');
        if (this.#dialect === 'postgres') kek = kek.forShare();
        if ((await kek.executeTakeFirst()) === undefined) return false;
        if (previousId !== undefined) {
          const retired = await trx
            .updateTable('secret_data_keys')
            .set({ state: 'retired' })
            .where('org_id', '=', scope.orgId)
            .where('id', '=', previousId)
            .where('state', '=', 'active')
            .executeTakeFirst();
          if (Number(retired.numUpdatedRows) !== 1) return false;
        }
        await trx
          .insertInto('secret_data_keys')
          .values({
            id: key.id,
            org_id: key.orgId,
            kek_id: key.kekId,
            wrapped: key.wrapped,
            state: 'active',
            encryptions: key.encryptions,
            created_at: key.createdAt,
          })
          .execute();
        return true;
      });
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async retireActive(scope: SystemScope): Promise<boolean> {
    const updated = await this.#in(scope, (trx) =>
      trx
        .updateTable('secret_data_keys')
        .set({ state: 'retired' })
        .where('org_id', '=', scope.orgId)
        .where('state', '=', 'active')
        .executeTakeFirst(),
    );
    return Number(updated.numUpdatedRows) === 1;
  }

  async orgsWithActive(): Promise<readonly string[]> {
    const rows = await this.#system((trx) =>
      trx.selectFrom('secret_data_keys').select('org_id').where('state', '=', 'active').orderBy('org_id').execute(),
    );
    return Object.freeze(rows.map((row) => row.org_id));
  }

  async staleVersions(limit: number): Promise<readonly StaleVersion[]> {
    const rows = await this.#system((trx) =>
      trx
        .selectFrom('secret_versions')
        .innerJoin('secret_data_keys', 'secret_data_keys.id', 'secret_versions.data_key_id')
        .select([
          'secret_versions.org_id',
          'secret_versions.name',
          'secret_versions.version',
          'secret_versions.data_key_id',
          'secret_versions.ciphertext',
          'secret_versions.created_at',
        ])
        .where('secret_data_keys.state', '!=', 'active')
        .orderBy('secret_versions.org_id')
        .orderBy('secret_versions.name')
        .orderBy('secret_versions.version')
        .limit(limit)
        .execute(),
    );
    return Object.freeze(
      rows.map((row) =>
        Object.freeze({
          orgId: row.org_id,
          name: row.name,
          version: Number(row.version),
          dataKeyId: row.data_key_id,
          ciphertext: row.ciphertext,
          createdAt: Number(row.created_at),
        }),
      ),
    );
  }

  async replaceVersion(version: StaleVersion, sealed: SealedVersion): Promise<boolean> {
    const updated = await this.#system((trx) =>
      trx
        .updateTable('secret_versions')
        .set({ data_key_id: sealed.dataKeyId, ciphertext: sealed.ciphertext })
        .where('org_id', '=', version.orgId)
        .where('name', '=', version.name)
        .where('version', '=', version.version)
        .where('data_key_id', '=', version.dataKeyId)
        .executeTakeFirst(),
    );
    return Number(updated.numUpdatedRows) === 1;
  }

  async deleteUnused(): Promise<number> {
    const deleted = await this.#system((trx) =>
      trx
        .deleteFrom('secret_data_keys')
        .where('state', '!=', 'active')
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('secret_versions')
                .select('secret_versions.name')
                .whereRef('secret_versions.data_key_id', '=', 'secret_data_keys.id'),
            ),
          ),
        )
        .executeTakeFirst(),
    );
    return Number(deleted.numDeletedRows);
  }
}
