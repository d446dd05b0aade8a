/**
 * Identity: accounts, the minimal org and membership tables the bootstrap admin needs
 * (the `system` org's owner), sessions, refresh tokens and access-token signing keys. Timestamps
 * are integer ms (BIGINT); secrets are never stored in clear: passwords as argon2id PHC strings,
 * refresh tokens as SHA-256 hex, private signing keys AES-256-GCM-encrypted under the master key.
 */
import type { Kysely, Migration } from 'kysely';

export const migration0003: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('users')
      .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
      .addColumn('email', 'varchar(254)', (col) => col.notNull().unique())
      .addColumn('name', 'varchar(200)')
      .addColumn('password_hash', 'text')
      .addColumn('status', 'varchar(16)', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .addColumn('password_changed_at', 'bigint')
      .addColumn('failed_logins', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('next_login_at', 'bigint')
      .execute();
    await db.schema
      .createTable('orgs')
      .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
      .addColumn('slug', 'varchar(64)', (col) => col.notNull().unique())
      .addColumn('name', 'varchar(200)', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema
      .createTable('memberships')
      .addColumn('org_id', 'varchar(40)', (col) => col.notNull().references('orgs.id').onDelete('cascade'))
      .addColumn('user_id', 'varchar(40)', (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('role', 'varchar(64)', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('memberships_pk', ['org_id', 'user_id'])
      .execute();
    await db.schema.createIndex('memberships_user_id').on('memberships').column('user_id').execute();
    await db.schema
      .createTable('sessions')
      .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
      .addColumn('user_id', 'varchar(40)', (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('device_name', 'varchar(200)')
      .addColumn('ip', 'varchar(64)')
      .addColumn('user_agent', 'varchar(512)')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('last_seen_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addColumn('revoked_at', 'bigint')
      .addColumn('revoke_reason', 'varchar(64)')
      .addColumn('dpop_jkt', 'varchar(64)')
      .execute();
    await db.schema.createIndex('sessions_user_id').on('sessions').column('user_id').execute();
    await db.schema.createIndex('sessions_revoked_at').on('sessions').column('revoked_at').execute();
    await db.schema
      .createTable('refresh_tokens')
      .addColumn('token_hash', 'varchar(64)', (col) => col.primaryKey())
      .addColumn('session_id', 'varchar(40)', (col) => col.notNull().references('sessions.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addColumn('spent_at', 'bigint')
      .addColumn('successor_hash', 'varchar(64)')
      .execute();
    await db.schema.createIndex('refresh_tokens_session_id').on('refresh_tokens').column('session_id').execute();
    await db.schema
      .createTable('signing_keys')
      .addColumn('kid', 'varchar(64)', (col) => col.primaryKey())
      .addColumn('alg', 'varchar(16)', (col) => col.notNull())
      .addColumn('state', 'varchar(16)', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('retire_after', 'bigint')
      .addColumn('public_jwk', 'text', (col) => col.notNull())
      .addColumn('private_jwk', 'text', (col) => col.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['signing_keys', 'refresh_tokens', 'sessions', 'memberships', 'orgs', 'users']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
