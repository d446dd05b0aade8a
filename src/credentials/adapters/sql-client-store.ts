/**
 * {@link ClientStore} on the shared database. Scoped methods run through `withTenant`: on
 * PostgreSQL inside a transaction bound to the org by row-level security, everywhere with an
 * explicit `org_id` filter. The single use of an assertion is its primary key: the insert of a
 * `(client_id, jti)` already there fails, so exactly one caller wins.
 */
import type { ServiceClient, StoredServiceClient } from '../domain/service-client.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import type { ClientRevocationRecord, ClientStore, NewServiceClient } from '../ports/client-store.js';
import type { ServiceClientTable } from './credential-tables.js';
import { withSystem, withTenant, type TenantTransaction } from '../../kernel/adapters/sql/rls-scope.js';
import type { SqlDialectName } from '../../kernel/adapters/sql/sql-database.js';
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import { isUniqueViolation } from '../../kernel/adapters/sql/unique-violation.js';
import { appendEvent } from '../../kernel/events/event-outbox.js';

function parseJson(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}

function toClient(row: ServiceClientTable): StoredServiceClient {
  const scopes = parseJson(row.scopes);
  const audiences = parseJson(row.audiences);
  const jwks = parseJson(row.jwks) as ServiceClient['jwks'];
  return Object.freeze({
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    authMethod: row.auth_method === 'private_key_jwt' ? 'private_key_jwt' : 'client_secret_basic',
    scopes: Object.freeze(Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === 'string') : []),
    audiences: Object.freeze(Array.isArray(audiences) ? audiences.filter((a): a is string => typeof a === 'string') : []),
    createdBy: row.created_by,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    jwks,
    secretHash: row.secret_hash,
  });
}

// Each change and its event share the caller's transaction (withTenant or withSystem).
type Executor = TenantTransaction;

async function insertClient(db: Executor, orgId: string, client: NewServiceClient): Promise<void> {
  await db
    .insertInto('service_clients')
    .values({
      id: client.id,
      org_id: orgId,
      name: client.name,
      auth_method: client.authMethod,
      secret_hash: client.secretHash,
      jwks: client.jwks === null ? null : JSON.stringify(client.jwks),
      scopes: JSON.stringify(client.scopes),
      audiences: client.audiences === undefined || client.audiences.length === 0 ? null : JSON.stringify(client.audiences),
      created_by: client.createdBy,
      created_at: client.now,
      revoked_at: null,
    })
    .execute();
  const data = { client_id: client.id, name: client.name, auth_method: client.authMethod, scopes: [...client.scopes] };
  await appendEvent(db, { type: 'client.created', orgId, data }, client.now);
}

async function listClients(db: Executor, orgId: string): Promise<readonly StoredServiceClient[]> {
  const rows = await db.selectFrom('service_clients').selectAll().where('org_id', '=', orgId).orderBy('id').execute();
  return rows.map(toClient);
}

async function revokeClient(db: Executor, orgId: string, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('service_clients')
    .set({ revoked_at: now })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return false;
  await appendEvent(db, { type: 'client.revoked', orgId, data: { client_id: id } }, now);
  return true;
}

export class SqlClientStore implements ClientStore {
  readonly #db: RampartKysely;
  readonly #dialect: SqlDialectName;

  constructor(db: RampartKysely, dialect: SqlDialectName) {
    this.#db = db;
    this.#dialect = dialect;
  }

  // System: the operator's CLI names the org by id, outside any request's scope.
  readonly operator: ClientStore['operator'] = Object.freeze({
    create: (orgId: string, client: NewServiceClient) => withSystem(this.#db, (trx) => insertClient(trx, orgId, client)),
    list: (orgId: string) => withSystem(this.#db, (trx) => listClients(trx, orgId)),
    revoke: (orgId: string, id: string, now: number) => withSystem(this.#db, (trx) => revokeClient(trx, orgId, id, now)),
  });

  async create(scope: TenantScope, client: NewServiceClient): Promise<void> {
    await withTenant(this.#db, this.#dialect, scope, (trx) => insertClient(trx, scope.orgId, client));
  }

  list(scope: TenantScope): Promise<readonly StoredServiceClient[]> {
    return withTenant(this.#db, this.#dialect, scope, (trx) => listClients(trx, scope.orgId));
  }

  find(scope: TenantScope, id: string): Promise<StoredServiceClient | undefined> {
    return withTenant(this.#db, this.#dialect, scope, async (trx) => {
      const row = await trx
        .selectFrom('service_clients')
        .selectAll()
        .where('org_id', '=', scope.orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row === undefined ? undefined : toClient(row);
    });
  }

  revoke(scope: TenantScope, id: string, now: number): Promise<boolean> {
    return withTenant(this.#db, this.#dialect, scope, (trx) => revokeClient(trx, scope.orgId, id, now));
  }
  // System: an erased user's clients live in every org the user created them in.
  liveCreatedBy(userId: string): Promise<readonly StoredServiceClient[]> {
    return withSystem(this.#db, async (trx) => {
      const rows = await trx
        .selectFrom('service_clients')
        .selectAll()
        .where('created_by', '=', userId)
        .where('revoked_at', 'is', null)
        .orderBy('id')
        .execute();
      return rows.map(toClient);
    });
  }

  // System: a client authenticates before any scope exists.
  async findForAuthentication(id: string): Promise<StoredServiceClient | undefined> {
    const row = await withSystem(this.#db, (trx) => trx.selectFrom('service_clients').selectAll().where('id', '=', id).executeTakeFirst());
    return row === undefined ? undefined : toClient(row);
  }

  async useAssertion(clientId: string, jti: string, expiresAt: number, now: number): Promise<boolean> {
    await this.#db.deleteFrom('oauth_assertion_jtis').where('expires_at', '<', now).execute();
    try {
      await this.#db.insertInto('oauth_assertion_jtis').values({ client_id: clientId, jti, expires_at: expiresAt }).execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  // System: RFC 7009 revocation comes from the token's client, outside any request's scope.
  async revokeToken(clientId: string, orgId: string, jti: string, now: number, expiresAt: number): Promise<void> {
    await withSystem(this.#db, (trx) =>
      trx
        .insertInto('oauth_token_revocations')
        .values({ jti, client_id: clientId, org_id: orgId, revoked_at: now, expires_at: expiresAt })
        .onConflict((oc) => oc.column('jti').doNothing())
        .execute(),
    );
  }

  // System: every instance loads every org's revocations at start.
  async revokedSince(since: number): Promise<readonly ClientRevocationRecord[]> {
    const { clients, tokens } = await withSystem(this.#db, async (trx) => ({
      clients: await trx.selectFrom('service_clients').select(['id', 'revoked_at']).where('revoked_at', '>=', since).execute(),
      tokens: await trx.selectFrom('oauth_token_revocations').select(['jti', 'revoked_at']).where('expires_at', '>=', since).execute(),
    }));
    return [
      ...clients.map((c) => ({ id: c.id, revokedAt: c.revoked_at ?? since })),
      ...tokens.map((t) => ({ id: t.jti, revokedAt: t.revoked_at })),
    ];
  }
}
