/**
 * The built-in {@link SecretBackend}: secrets, versions, wrapped data keys and KEK ids in the
 * shared database (migration 0010-secrets). Scoped methods run through {@link withTenant} (RLS on
 * PostgreSQL); key management across orgs runs on the migrating role, whose `rampart_system`
 * policy is the explicit grant for that work. Concurrency:
 * - one `active` data key per org (partial unique index); a replacement is a compare-and-set;
 * - a data key is created only under the KEK that is active at that moment: on PostgreSQL the KEK
 *   row is read `FOR SHARE` in the creating transaction, so `addKek` (which updates that row)
 *   waits for it and a rotation's scan that starts afterwards sees the new key; SQLite serialises
 *   transactions;
 * - rewraps are compare-and-set per row, so a crash leaves every row either before or after.
 */
import { sql } from 'kysely';
import { DomainError } from '../../kernel/domain/errors.js';
import type { DataKeyRecord, KekRecord, SecretSummary, SecretVersionRecord } from '../domain/secret-record.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import type { DataKeyRewrap, SealedVersion, SecretBackend, StaleVersion } from '../ports/secret-backend.js';
import { withSystem, withTenant, type TenantTransaction } from '../../kernel/adapters/sql/rls-scope.js';
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import type { SqlDialectName } from '../../kernel/adapters/sql/sql-database.js';
import type { SecretDataKeyTable, SecretTable } from './secret-tables.js';
import { isUniqueViolation } from '../../kernel/adapters/sql/unique-violation.js';

function summary(row: SecretTable): SecretSummary {
  return Object.freeze({
    name: row.name,
    version: Number(row.current_version),
    minDecryptionVersion: Number(row.min_decryption_version),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  });
}

function dataKey(row: SecretDataKeyTable): DataKeyRecord {
  return Object.freeze({
    id: row.id,
    orgId: row.org_id,
    kekId: row.kek_id,
    wrapped: row.wrapped,
    state: row.state === 'active' ? 'active' : 'retired',
    encryptions: Number(row.encryptions),
    createdAt: Number(row.created_at),
  });
}

function kekState(value: string): KekRecord['state'] {
  return value === 'active' || value === 'retiring' ? value : 'retired';
}

async function setMin(trx: TenantTransaction, orgId: string, name: string, min: number, now: number): Promise<boolean> {
  const updated = await trx
    .updateTable('secrets')
    .set({ min_decryption_version: min, updated_at: now })
    .where('org_id', '=', orgId)
    .where('name', '=', name)
    .where('current_version', '>=', min)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

async function activeKey(trx: TenantTransaction, orgId: string): Promise<DataKeyRecord | undefined> {
  const row = await trx
    .selectFrom('secret_data_keys')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('state', '=', 'active')
    .executeTakeFirst();
  return row === undefined ? undefined : dataKey(row);
}

async function findKey(trx: TenantTransaction, orgId: string, id: string): Promise<DataKeyRecord | undefined> {
  const row = await trx.selectFrom('secret_data_keys').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : dataKey(row);
}

async function reserve(trx: TenantTransaction, orgId: string, dataKeyId: string, count: number, max: number): Promise<number | undefined> {
  const updated = await trx
    .updateTable('secret_data_keys')
    .set({ encryptions: sql<number>`encryptions + ${count}` })
    .where('org_id', '=', orgId)
    .where('id', '=', dataKeyId)
    .where('state', '=', 'active')
    .where(sql<boolean>`encryptions + ${count} <= ${max}`)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) return undefined;
  const row = await trx.selectFrom('secret_data_keys').select('encryptions').where('id', '=', dataKeyId).executeTakeFirstOrThrow();
  return Number(row.encryptions);
}

export class SqlSecretBackend implements SecretBackend {
  readonly #db: RampartKysely;
  readonly #dialect: SqlDialectName;

  constructor(db: RampartKysely, dialect: SqlDialectName) {
    this.#db = db;
    this.#dialect = dialect;
  }

  #scoped<T>(scope: TenantScope, work: (trx: TenantTransaction) => Promise<T>): Promise<T> {
    return withTenant(this.#db, this.#dialect, scope, work);
  }

  /** Key management across orgs: a plain transaction on the migrating role (its `rampart_system` policy). */
  #system<T>(work: (trx: TenantTransaction) => Promise<T>): Promise<T> {
    return withSystem(this.#db, work);
  }

  list(scope: TenantScope): Promise<readonly SecretSummary[]> {
    return this.#scoped(scope, async (trx) => {
      const rows = await trx.selectFrom('secrets').selectAll().where('org_id', '=', scope.orgId).orderBy('name').execute();
      return Object.freeze(rows.map(summary));
    });
  }

  find(scope: TenantScope, name: string): Promise<SecretSummary | undefined> {
    return this.#scoped(scope, async (trx) => {
      const row = await trx.selectFrom('secrets').selectAll().where('org_id', '=', scope.orgId).where('name', '=', name).executeTakeFirst();
      return row === undefined ? undefined : summary(row);
    });
  }

  findVersion(scope: TenantScope, name: string, version: number): Promise<SecretVersionRecord | undefined> {
    return this.#scoped(scope, async (trx) => {
      const row = await trx
        .selectFrom('secret_versions')
        .selectAll()
        .where('org_id', '=', scope.orgId)
        .where('name', '=', name)
        .where('version', '=', version)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      return Object.freeze({
        name: row.name,
        version: Number(row.version),
        dataKeyId: row.data_key_id,
        ciphertext: row.ciphertext,
        createdAt: Number(row.created_at),
      });
    });
  }

  async putVersion(scope: TenantScope, name: string, now: number, seal: (version: number) => SealedVersion): Promise<number> {
    try {
      return await this.#scoped(scope, async (trx) => {
        const current = await trx
          .selectFrom('secrets')
          .select('current_version')
          .where('org_id', '=', scope.orgId)
          .where('name', '=', name)
          .executeTakeFirst();
        const version = current === undefined ? 1 : Number(current.current_version) + 1;
        const sealed = seal(version);
        // The data key must still exist (a concurrent `rewrap` deletes retired keys nothing refers to);
        // on PostgreSQL the share lock holds that delete off until this version is in.
        let key = trx.selectFrom('secret_data_keys').select('id').where('org_id', '=', scope.orgId).where('id', '=', sealed.dataKeyId);
        if (this.#dialect === 'postgres') key = key.forShare();
        if ((await key.executeTakeFirst()) === undefined)
          throw new DomainError('conflict', 'The data key was retired and removed meanwhile');
        await trx
          .insertInto('secret_versions')
          .values({ org_id: scope.orgId, name, version, data_key_id: sealed.dataKeyId, ciphertext: sealed.ciphertext, created_at: now })
          .execute();
        if (current === undefined) {
          await trx
            .insertInto('secrets')
            .values({ org_id: scope.orgId, name, current_version: version, min_decryption_version: 1, created_at: now, updated_at: now })
            .execute();
        } else {
          const updated = await trx
            .updateTable('secrets')
            .set({ current_version: version, updated_at: now })
            .where('org_id', '=', scope.orgId)
            .where('name', '=', name)
            .where('current_version', '=', version - 1)
            .executeTakeFirst();
          if (Number(updated.numUpdatedRows) !== 1) throw new DomainError('conflict', 'The secret was changed concurrently');
        }
        return version;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('conflict', 'The secret was changed concurrently', { cause: error });
      throw error;
    }
  }

  delete(scope: TenantScope, name: string): Promise<boolean> {
    return this.#scoped(scope, async (trx) => {
      await trx.deleteFrom('secret_versions').where('org_id', '=', scope.orgId).where('name', '=', name).execute();
      const deleted = await trx.deleteFrom('secrets').where('org_id', '=', scope.orgId).where('name', '=', name).executeTakeFirst();
      return Number(deleted.numDeletedRows) === 1;
    });
  }

  setMinDecryptionVersion(scope: TenantScope, name: string, min: number, now: number): Promise<boolean> {
    return this.#scoped(scope, (trx) => setMin(trx, scope.orgId, name, min, now));
  }

  setMinDecryptionVersionOfOrg(orgId: string, name: string, min: number, now: number): Promise<boolean> {
    return this.#system((trx) => setMin(trx, orgId, name, min, now));
  }

  activeDataKey(scope: TenantScope): Promise<DataKeyRecord | undefined> {
    return this.#scoped(scope, (trx) => activeKey(trx, scope.orgId));
  }

  activeDataKeyOfOrg(orgId: string): Promise<DataKeyRecord | undefined> {
    return this.#system((trx) => activeKey(trx, orgId));
  }

  findDataKey(scope: TenantScope, id: string): Promise<DataKeyRecord | undefined> {
    return this.#scoped(scope, (trx) => findKey(trx, scope.orgId, id));
  }

  replaceDataKey(scope: TenantScope, previousId: string | undefined, key: DataKeyRecord): Promise<boolean> {
    return this.#replace(scope.orgId, previousId, key, (work) => this.#scoped(scope, work));
  }

  replaceDataKeyOfOrg(orgId: string, previousId: string | undefined, key: DataKeyRecord): Promise<boolean> {
    return this.#replace(orgId, previousId, key, (work) => this.#system(work));
  }

  async #replace(
    orgId: string,
    previousId: string | undefined,
    key: DataKeyRecord,
    run: (work: (trx: TenantTransaction) => Promise<boolean>) => Promise<boolean>,
  ): Promise<boolean> {
    if (key.orgId !== orgId) throw new RangeError('the data key belongs to another org');
    try {
      return await run(async (trx) => {
        let kek = trx.selectFrom('secret_keks').select('id').where('id', '=', key.kekId).where('state', '=', 'active');
        if (this.#dialect === 'postgres') kek = kek.forShare();
        if ((await kek.executeTakeFirst()) === undefined) return false;
        if (previousId !== undefined) {
          const retired = await trx
            .updateTable('secret_data_keys')
            .set({ state: 'retired' })
            .where('org_id', '=', orgId)
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

  reserveEncryptions(scope: TenantScope, dataKeyId: string, count: number, max: number): Promise<number | undefined> {
    return this.#scoped(scope, (trx) => reserve(trx, scope.orgId, dataKeyId, count, max));
  }

  reserveEncryptionsOfOrg(orgId: string, dataKeyId: string, count: number, max: number): Promise<number | undefined> {
    return this.#system((trx) => reserve(trx, orgId, dataKeyId, count, max));
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
    return Object.freeze(rows.map(dataKey));
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

  dataKeyOfOrg(orgId: string, id: string): Promise<DataKeyRecord | undefined> {
    return this.#system((trx) => findKey(trx, orgId, id));
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

  async deleteUnusedDataKeys(): Promise<number> {
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

  async orgsWithActiveDataKeys(): Promise<readonly string[]> {
    const rows = await this.#system((trx) =>
      trx.selectFrom('secret_data_keys').select('org_id').where('state', '=', 'active').orderBy('org_id').execute(),
    );
    return Object.freeze(rows.map((row) => row.org_id));
  }

  async retireActiveDataKeyOfOrg(orgId: string): Promise<boolean> {
    const updated = await this.#system((trx) =>
      trx
        .updateTable('secret_data_keys')
        .set({ state: 'retired' })
        .where('org_id', '=', orgId)
        .where('state', '=', 'active')
        .executeTakeFirst(),
    );
    return Number(updated.numUpdatedRows) === 1;
  }
}
