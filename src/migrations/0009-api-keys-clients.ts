/**
 * API keys and OAuth 2 service clients.
 *
 * - `api_keys`: a user's keys. The key (`rk_…`, 256 random bits) is stored only as SHA-256 hex
 *   (`key_hash`) beside a short display `prefix`; `scopes` is a JSON array of permission names;
 *   `org_id` confines the key to one org (null: platform scopes only). A rotation inserts the
 *   successor and sets the old row's `expires_at` to the end of the grace period.
 * - `service_clients`: an org's OAuth clients (`client_credentials`). `secret_hash` is SHA-256 hex
 *   of a 256-bit random secret (`client_secret_basic`), `jwks` the registered public JWK Set
 *   (`private_key_jwt`, RFC 7523). `created_by` is the user whose authority bounds the client.
 * - `oauth_token_revocations`: access tokens of clients revoked by `jti` (RFC 7009), kept until the
 *   token would have expired, so a restarted instance still refuses them.
 * - `oauth_assertion_jtis`: the `jti` of every accepted client assertion until its `exp` (RFC 7523
 *   §3 item 7: an assertion is used once).
 *
 * `service_clients` and `oauth_token_revocations` are tenant tables: on PostgreSQL they get the
 * row-level security of 0007-tenancy. `api_keys` belong to a user (a key may span no org at all).
 */
import { type Kysely, type Migration } from 'kysely';
import { enableTenantRowLevelSecurity } from '../kernel/adapters/sql/rls-policies.js';

export const migration0009: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
      .addColumn('user_id', 'varchar(40)', (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('org_id', 'varchar(40)', (col) => col.references('orgs.id').onDelete('cascade'))
      .addColumn('name', 'varchar(200)', (col) => col.notNull())
      .addColumn('prefix', 'varchar(16)', (col) => col.notNull())
      .addColumn('key_hash', 'varchar(64)', (col) => col.notNull().unique())
      .addColumn('scopes', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint')
      .addColumn('last_used_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .addColumn('replaced_by', 'varchar(40)')
      .execute();
    await db.schema.createIndex('api_keys_user_id').on('api_keys').columns(['user_id', 'id']).execute();
    await db.schema
      .createTable('service_clients')
      .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
      .addColumn('org_id', 'varchar(40)', (col) => col.notNull().references('orgs.id').onDelete('cascade'))
      .addColumn('name', 'varchar(200)', (col) => col.notNull())
      .addColumn('auth_method', 'varchar(32)', (col) => col.notNull())
      .addColumn('secret_hash', 'varchar(64)')
      .addColumn('jwks', 'text')
      .addColumn('scopes', 'text', (col) => col.notNull())
      .addColumn('created_by', 'varchar(40)', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('revoked_at', 'bigint')
      .execute();
    await db.schema.createIndex('service_clients_org_id').on('service_clients').columns(['org_id', 'id']).execute();
    await db.schema
      .createTable('oauth_token_revocations')
      .addColumn('jti', 'varchar(64)', (col) => col.primaryKey())
      .addColumn('client_id', 'varchar(40)', (col) => col.notNull())
      .addColumn('org_id', 'varchar(40)', (col) => col.notNull().references('orgs.id').onDelete('cascade'))
      .addColumn('revoked_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema
      .createTable('oauth_assertion_jtis')
      .addColumn('client_id', 'varchar(40)', (col) => col.notNull())
      .addColumn('jti', 'varchar(256)', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('oauth_assertion_jtis_pk', ['client_id', 'jti'])
      .execute();
    await enableTenantRowLevelSecurity(db, 'service_clients');
    await enableTenantRowLevelSecurity(db, 'oauth_token_revocations');
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['oauth_assertion_jtis', 'oauth_token_revocations', 'service_clients', 'api_keys']) {
      // Dropping a table drops its policies with it.
      await db.schema.dropTable(table).execute();
    }
  },
};
