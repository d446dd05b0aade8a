/**
 * The built-in {@link SecretStore}: the `secrets` and `secret_versions` tables (migration
 * 0010-secrets), each call one transaction in its scope (`inScope`: RLS on PostgreSQL).
 * Concurrency: a new version's number is the current one plus one, written under the primary key
 * (org, name, version) and a compare-and-set of `current_version`, so of two writers that read the
 * same number one fails with `conflict`; the data key a version names is read `FOR SHARE` on
 * PostgreSQL in the same transaction, so `DataKeyStore.deleteUnused` cannot remove it meanwhile.
 */
import { DomainError } from '../../kernel/domain/errors.js';
import type { TenantTransaction } from '../../kernel/adapters/sql/rls-scope.js';
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import type { SqlDialectName } from '../../kernel/adapters/sql/sql-database.js';
import { isUniqueViolation } from '../../kernel/adapters/sql/unique-violation.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import { appendEvent } from '../../kernel/events/event-outbox.js';
import type { SecretSummary, SecretVersionRecord } from '../domain/secret-record.js';
import type { KeyScope, SystemScope } from '../domain/system-scope.js';
import type { SealedVersion, SecretStore } from '../ports/secret-store.js';
import type { SecretTable } from './secret-tables.js';
import { inScope } from './sql-secret-shared.js';

function summary(row: SecretTable): SecretSummary {
  return Object.freeze({
    name: row.name,
    version: Number(row.current_version),
    minDecryptionVersion: Number(row.min_decryption_version),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  });
}

export class SqlSecretStore implements SecretStore {
  readonly #db: RampartKysely;
  readonly #dialect: SqlDialectName;

  constructor(db: RampartKysely, dialect: SqlDialectName) {
    this.#db = db;
    this.#dialect = dialect;
  }

  #in<T>(scope: KeyScope, work: (trx: TenantTransaction) => Promise<T>): Promise<T> {
    return inScope(this.#db, this.#dialect, scope, work);
  }

  list(scope: TenantScope): Promise<readonly SecretSummary[]> {
    return this.#in(scope, async (trx) => {
      const rows = await trx.selectFrom('secrets').selectAll().where('org_id', '=', scope.orgId).orderBy('name').execute();
      return Object.freeze(rows.map(summary));
    });
  }

  find(scope: KeyScope, name: string): Promise<SecretSummary | undefined> {
    return this.#in(scope, async (trx) => {
      const row = await trx.selectFrom('secrets').selectAll().where('org_id', '=', scope.orgId).where('name', '=', name).executeTakeFirst();
      return row === undefined ? undefined : summary(row);
    });
  }

  findVersion(scope: KeyScope, name: string, version: number): Promise<SecretVersionRecord | undefined> {
    return this.#in(scope, async (trx) => {
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
      return await this.#in(scope, async (trx) => {
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
        // The name and version only: never the value, its ciphertext or its data key.
        await appendEvent(trx, { type: 'secret.written', orgId: scope.orgId, data: { name, version } }, now);
        return version;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('conflict', 'The secret was changed concurrently', { cause: error });
      throw error;
    }
  }

  delete(scope: TenantScope, name: string): Promise<boolean> {
    return this.#in(scope, async (trx) => {
      await trx.deleteFrom('secret_versions').where('org_id', '=', scope.orgId).where('name', '=', name).execute();
      const deleted = await trx.deleteFrom('secrets').where('org_id', '=', scope.orgId).where('name', '=', name).executeTakeFirst();
      if (Number(deleted.numDeletedRows) !== 1) return false;
      await appendEvent(trx, { type: 'secret.deleted', orgId: scope.orgId, data: { name } }, Date.now());
      return true;
    });
  }

  setMinDecryptionVersion(scope: TenantScope | SystemScope, name: string, min: number, now: number): Promise<boolean> {
    return this.#in(scope, async (trx) => {
      const updated = await trx
        .updateTable('secrets')
        .set({ min_decryption_version: min, updated_at: now })
        .where('org_id', '=', scope.orgId)
        .where('name', '=', name)
        .where('current_version', '>=', min)
        .executeTakeFirst();
      return Number(updated.numUpdatedRows) === 1;
    });
  }
}
