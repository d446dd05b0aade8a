/**
 * Licences (issue 16 item 4; docs/decisions/019-licences.md): an org's licences — the SHA-256 of
 * each key, never the key — and the installations that activated them. At most one live
 * activation per (licence, installation) is a partial unique index, so a second activation of the
 * same installation cannot race in. Both are tenant tables under row-level security on
 * PostgreSQL; an org's deletion takes its licences, and a licence's its activations.
 */
import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';
import { disableRowLevelSecurity, enableTenantRowLevelSecurity, isPostgres } from '../kernel/adapters/sql/rls-policies.js';

export const migration0021: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('licences')
      .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
      .addColumn('org_id', 'varchar(40)', (col) => col.notNull().references('orgs.id').onDelete('cascade'))
      .addColumn('product', 'varchar(100)', (col) => col.notNull())
      .addColumn('features', 'text', (col) => col.notNull())
      .addColumn('max_activations', 'integer', (col) => col.notNull())
      .addColumn('not_before', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint')
      .addColumn('key_hash', 'varchar(64)', (col) => col.notNull())
      .addColumn('key_id', 'varchar(200)', (col) => col.notNull())
      .addColumn('created_by', 'varchar(40)', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('revoked_at', 'bigint')
      .addColumn('revoked_by', 'varchar(40)')
      .execute();
    await db.schema.createIndex('licences_org').on('licences').columns(['org_id', 'id']).execute();
    await db.schema
      .createTable('licence_activations')
      .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
      .addColumn('licence_id', 'varchar(40)', (col) => col.notNull().references('licences.id').onDelete('cascade'))
      .addColumn('org_id', 'varchar(40)', (col) => col.notNull())
      .addColumn('installation_id', 'varchar(200)', (col) => col.notNull())
      .addColumn('activated_at', 'bigint', (col) => col.notNull())
      .addColumn('last_seen', 'bigint', (col) => col.notNull())
      .addColumn('deactivated_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('licence_activations_live')
      .on('licence_activations')
      .columns(['licence_id', 'installation_id'])
      .unique()
      .where(sql.ref('deactivated_at'), 'is', null)
      .execute();
    await db.schema.createIndex('licence_activations_org').on('licence_activations').column('org_id').execute();
    await enableTenantRowLevelSecurity(db, 'licences');
    await enableTenantRowLevelSecurity(db, 'licence_activations');
  },
  async down(db: Kysely<unknown>) {
    if (await isPostgres(db)) {
      await disableRowLevelSecurity(db, 'licence_activations');
      await disableRowLevelSecurity(db, 'licences');
    }
    await db.schema.dropTable('licence_activations').execute();
    await db.schema.dropTable('licences').execute();
  },
};
