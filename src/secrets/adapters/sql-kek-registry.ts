/**
 * The built-in {@link KekRegistry}: the `secret_keks` table and the KEK column of
 * `secret_data_keys` (migration 0010-secrets), every call a system transaction (`withSystem`,
 * the migrating role's `rampart_system` policy: KEK rotation spans every org). Concurrency:
 * `addKek` demotes the active KEK and inserts the new one in one transaction (it waits for a data
 * key being created under the old KEK, which holds that row `FOR SHARE` on PostgreSQL); a rewrap
 * is a compare-and-set per data key on its KEK id; retiring a KEK is one conditional update that
 * no data key may refer to.
 */
import { withSystem, type TenantTransaction } from '../../kernel/adapters/sql/rls-scope.js';
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import type { DataKeyRecord, KekRecord } from '../domain/secret-record.js';
import type { DataKeyRewrap, KekRegistry } from '../ports/kek-registry.js';
import { dataKeyRecord } from './sql-secret-shared.js';

function kekState(value: string): KekRecord['state'] {
  return value === 'active' || value === 'retiring' ? value : 'retired';
}

export class SqlKekRegistry implements KekRegistry {
  readonly #db: RampartKysely;

  constructor(db: RampartKysely) {
    this.#db = db;
  }

  #system<T>(work: (trx: TenantTransaction) => Promise<T>): Promise<T> {
    return withSystem(this.#db, work);
  }

  async keks(): Promise<readonly KekRecord[]> {
    const rows = await this.#system((trx) => trx.selectFrom('secret_keks').selectAll().orderBy('created_at').orderBy('id').execute());
    return Object.freeze(
      rows.map((row) => Object.freeze({ id: row.id, source: row.source, state: kekState(row.state), createdAt: Number(row.created_at) })),
    );
  }

  async addKek(id: string, source: string, now: number): Promise<void> {
    await this.#system(async (trx) => {
      await trx.updateTable('secret_keks').set({ state: 'retiring' }).where('state', '=', 'active').execute();
      await trx.insertInto('secret_keks').values({ id, source, state: 'active', created_at: now, retired_at: null }).execute();
    });
  }

  async dataKeysNotUnder(kekId: string, limit: number): Promise<readonly DataKeyRecord[]> {
    const rows = await this.#system((trx) =>
      trx.selectFrom('secret_data_keys').selectAll().where('kek_id', '!=', kekId).orderBy('id').limit(limit).execute(),
    );
    return Object.freeze(rows.map(dataKeyRecord));
  }

  async rewrapDataKeys(rewraps: readonly DataKeyRewrap[]): Promise<number> {
    if (rewraps.length === 0) return 0;
    return this.#system(async (trx) => {
      let done = 0;
      for (const rewrap of rewraps) {
        const updated = await trx
          .updateTable('secret_data_keys')
          .set({ kek_id: rewrap.toKekId, wrapped: rewrap.wrapped })
          .where('id', '=', rewrap.id)
          .where('kek_id', '=', rewrap.fromKekId)
          .executeTakeFirst();
        done += Number(updated.numUpdatedRows);
      }
      return done;
    });
  }

  async dataKeyCounts(): Promise<Readonly<Record<string, number>>> {
    const rows = await this.#system((trx) =>
      trx
        .selectFrom('secret_data_keys')
        .select(['kek_id', (eb) => eb.fn.countAll<number>().as('count')])
        .groupBy('kek_id')
        .execute(),
    );
    return Object.freeze(Object.fromEntries(rows.map((row) => [row.kek_id, Number(row.count)])));
  }

  async retireKek(id: string, now: number): Promise<boolean> {
    const updated = await this.#system((trx) =>
      trx
        .updateTable('secret_keks')
        .set({ state: 'retired', retired_at: now })
        .where('id', '=', id)
        .where('state', '=', 'retiring')
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('secret_data_keys').select('id').where('kek_id', '=', id))))
        .executeTakeFirst(),
    );
    return Number(updated.numUpdatedRows) === 1;
  }
}
