/**
 * The access review's attestations (issue 22 item 6): one row each time a reviewer records that
 * an org's access review is done — when it was reviewed, by whom, and their note. Kept (never
 * updated or deleted but with the org); each is also an audit entry. A tenant table: under
 * row-level security on PostgreSQL.
 */
import type { Kysely, Migration } from 'kysely';
import { disableRowLevelSecurity, enableTenantRowLevelSecurity } from '../kernel/adapters/sql/rls-policies.js';

export const migration0033: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('access_review_attestations')
      .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
      .addColumn('org_id', 'varchar(40)', (col) => col.notNull().references('orgs.id').onDelete('cascade'))
      .addColumn('reviewed_at', 'bigint', (col) => col.notNull())
      .addColumn('note', 'text', (col) => col.notNull())
      .addColumn('actor_type', 'varchar(16)', (col) => col.notNull())
      .addColumn('actor_id', 'varchar(64)', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema
      .createIndex('access_review_attestations_org')
      .on('access_review_attestations')
      .columns(['org_id', 'created_at', 'id'])
      .execute();
    await enableTenantRowLevelSecurity(db, 'access_review_attestations');
  },
  async down(db: Kysely<unknown>) {
    await disableRowLevelSecurity(db, 'access_review_attestations');
    await db.schema.dropTable('access_review_attestations').execute();
  },
};
