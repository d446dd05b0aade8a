/**
 * Secrets: KEK ids, per-org wrapped data keys, secrets and their versions. Every
 * tenant table has `org_id`; only one data key per org is `active` (partial unique index), and a
 * KEK is referred to by data keys only, so "nothing refers to it" is one query. The tenant tables
 * are under row-level security on PostgreSQL (rls-policies.ts).
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { enableTenantRowLevelSecurity } from '../kernel/adapters/sql/rls-policies.js';

export const migration0010: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('secret_keks')
      .addColumn('id', 'varchar(80)', (col) => col.primaryKey())
      .addColumn('source', 'varchar(20)', (col) => col.notNull())
      .addColumn('state', 'varchar(16)', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('retired_at', 'bigint')
      .execute();
    await db.schema
      .createTable('secret_data_keys')
      .addColumn('id', 'varchar(80)', (col) => col.primaryKey())
      .addColumn('org_id', 'varchar(40)', (col) => col.notNull())
      .addColumn('kek_id', 'varchar(80)', (col) => col.notNull().references('secret_keks.id'))
      .addColumn('wrapped', 'text', (col) => col.notNull())
      .addColumn('state', 'varchar(16)', (col) => col.notNull())
      .addColumn('encryptions', 'bigint', (col) => col.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('secret_data_keys_org_id').on('secret_data_keys').columns(['org_id', 'state']).execute();
    await db.schema.createIndex('secret_data_keys_kek_id').on('secret_data_keys').column('kek_id').execute();
    await sql`CREATE UNIQUE INDEX secret_data_keys_one_active ON secret_data_keys (org_id) WHERE state = 'active'`.execute(db);
    await db.schema
      .createTable('secrets')
      .addColumn('org_id', 'varchar(40)', (col) => col.notNull())
      .addColumn('name', 'varchar(128)', (col) => col.notNull())
      .addColumn('current_version', 'integer', (col) => col.notNull())
      .addColumn('min_decryption_version', 'integer', (col) => col.notNull().defaultTo(1))
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('secrets_pk', ['org_id', 'name'])
      .execute();
    await db.schema
      .createTable('secret_versions')
      .addColumn('org_id', 'varchar(40)', (col) => col.notNull())
      .addColumn('name', 'varchar(128)', (col) => col.notNull())
      .addColumn('version', 'integer', (col) => col.notNull())
      .addColumn('data_key_id', 'varchar(80)', (col) => col.notNull().references('secret_data_keys.id'))
      .addColumn('ciphertext', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('secret_versions_pk', ['org_id', 'name', 'version'])
      .execute();
    await db.schema.createIndex('secret_versions_data_key_id').on('secret_versions').column('data_key_id').execute();
    // PostgreSQL: scoped work sees one org's rows only; key rotation runs as the system role.
    for (const table of ['secret_data_keys', 'secrets', 'secret_versions']) await enableTenantRowLevelSecurity(db, table);
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['secret_versions', 'secrets', 'secret_data_keys', 'secret_keks']) await db.schema.dropTable(table).execute();
  },
};
