/** {@link ApiKeyStore} on the shared database (SQLite or PostgreSQL, the same queries). */
import type { ApiKey } from '../domain/api-key.js';
import type { ApiKeyMatch, ApiKeyStore, NewApiKey } from '../ports/api-key-store.js';
import type { ApiKeyTable } from './credential-tables.js';
import { withSystem, type TenantTransaction } from '../../kernel/adapters/sql/rls-scope.js';
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import { appendEvent } from '../../kernel/events/event-outbox.js';

function parseScopes(text: string): readonly string[] {
  const value: unknown = JSON.parse(text);
  return Object.freeze(Array.isArray(value) ? value.filter((s): s is string => typeof s === 'string') : []);
}

function toKey(row: ApiKeyTable): ApiKey {
  return Object.freeze({
    id: row.id,
    ownerId: row.user_id,
    orgId: row.org_id,
    name: row.name,
    prefix: row.prefix,
    scopes: parseScopes(row.scopes),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
    replacedBy: row.replaced_by,
  });
}

function toRow(key: NewApiKey): ApiKeyTable {
  return {
    id: key.id,
    user_id: key.ownerId,
    org_id: key.orgId,
    name: key.name,
    prefix: key.prefix,
    key_hash: key.keyHash,
    scopes: JSON.stringify(key.scopes),
    created_at: key.now,
    expires_at: key.expiresAt,
    last_used_at: null,
    revoked_at: null,
    replaced_by: null,
  };
}

/** `api_key.created` in the key's transaction: ids and metadata, never the key or its hash. */
async function keyCreated(trx: TenantTransaction, key: NewApiKey, replaces: string | null): Promise<void> {
  const data = { api_key_id: key.id, owner_id: key.ownerId, scopes: [...key.scopes], expires_at: key.expiresAt, replaces };
  await appendEvent(trx, { type: 'api_key.created', orgId: key.orgId, data }, key.now);
}

const KEY_COLUMNS = [
  'api_keys.id',
  'api_keys.user_id',
  'api_keys.org_id',
  'api_keys.name',
  'api_keys.prefix',
  'api_keys.key_hash',
  'api_keys.scopes',
  'api_keys.created_at',
  'api_keys.expires_at',
  'api_keys.last_used_at',
  'api_keys.revoked_at',
  'api_keys.replaced_by',
] as const;

/**
 * Keys belong to users, not to one org (a platform key has none): every statement is system work
 * on PostgreSQL (rls-scope.ts), found by the key's hash or by its owner, never by an org scope.
 */
export class SqlApiKeyStore implements ApiKeyStore {
  readonly #db: RampartKysely;

  constructor(db: RampartKysely) {
    this.#db = db;
  }

  #system<T>(work: (trx: TenantTransaction) => Promise<T>): Promise<T> {
    return withSystem(this.#db, work);
  }

  async create(key: NewApiKey): Promise<void> {
    await this.#system(async (trx) => {
      await trx.insertInto('api_keys').values(toRow(key)).execute();
      await keyCreated(trx, key, null);
    });
  }

  async findByHash(keyHash: string): Promise<ApiKeyMatch | undefined> {
    const row = await this.#system((trx) =>
      trx
        .selectFrom('api_keys')
        .leftJoin('users', 'users.id', 'api_keys.user_id')
        .select([...KEY_COLUMNS, 'users.status as owner_status'])
        .where('api_keys.key_hash', '=', keyHash)
        .executeTakeFirst(),
    );
    if (row === undefined) return undefined;
    return Object.freeze({ key: toKey(row), ownerStatus: row.owner_status ?? null });
  }

  async findByPrefix(prefix: string): Promise<ApiKey | undefined> {
    const row = await this.#system((trx) =>
      trx.selectFrom('api_keys').selectAll().where('prefix', '=', prefix).orderBy('id').executeTakeFirst(),
    );
    return row === undefined ? undefined : toKey(row);
  }

  async findOwned(ownerId: string, id: string): Promise<ApiKey | undefined> {
    const row = await this.#system((trx) =>
      trx.selectFrom('api_keys').selectAll().where('user_id', '=', ownerId).where('id', '=', id).executeTakeFirst(),
    );
    return row === undefined ? undefined : toKey(row);
  }

  async listOwned(ownerId: string, afterId: string | undefined, limit: number): Promise<readonly ApiKey[]> {
    const rows = await this.#system((trx) => {
      let query = trx.selectFrom('api_keys').selectAll().where('user_id', '=', ownerId);
      if (afterId !== undefined) query = query.where('id', '>', afterId);
      return query.orderBy('id').limit(limit).execute();
    });
    return rows.map(toKey);
  }

  async rotate(ownerId: string, oldId: string, successor: NewApiKey, oldUntil: number): Promise<boolean> {
    const now = successor.now;
    return this.#system(async (trx) => {
      // One guarded statement picks the winner: only a live key of this owner is rotated.
      const updated = await trx
        .updateTable('api_keys')
        .set((eb) => ({
          expires_at: eb
            .case()
            .when('expires_at', 'is', null)
            .then(oldUntil)
            .when('expires_at', '>', oldUntil)
            .then(oldUntil)
            .else(eb.ref('expires_at'))
            .end(),
          revoked_at: oldUntil <= now ? now : null,
          replaced_by: successor.id,
        }))
        .where('id', '=', oldId)
        .where('user_id', '=', ownerId)
        .where('revoked_at', 'is', null)
        .where('replaced_by', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) return false;
      await trx.insertInto('api_keys').values(toRow(successor)).execute();
      await keyCreated(trx, successor, oldId);
      return true;
    });
  }

  async revoke(ownerId: string, id: string, now: number): Promise<boolean> {
    return this.#system(async (trx) => {
      const result = await trx
        .updateTable('api_keys')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where('user_id', '=', ownerId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      const key = await trx.selectFrom('api_keys').select('org_id').where('id', '=', id).executeTakeFirstOrThrow();
      await appendEvent(trx, { type: 'api_key.revoked', orgId: key.org_id, data: { api_key_id: id, owner_id: ownerId } }, now);
      return true;
    });
  }

  async touch(id: string, now: number, notAfter: number): Promise<void> {
    await this.#system((trx) =>
      trx
        .updateTable('api_keys')
        .set({ last_used_at: now })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', notAfter)]))
        .execute(),
    );
  }
}
