/**
 * Inbound webhooks (issue 15 item 4): the orgs' hook sources (a sender such as Stripe, its scheme
 * and where its signing secret lives — the secret itself is a secret of the org, in the secrets
 * capability) and the inbox of verified events. An event is accepted once per source by the
 * unique constraint on (source_key, event_id): a replay fails the insert, never a read-then-write.
 * Both are tenant tables under row-level security on PostgreSQL. An inbox row of a platform source
 * (configured by RAMPART_INBOUND_SOURCES, no org) has a null `org_id`: no tenant ever sees it.
 */
import type { Kysely, Migration } from 'kysely';
import { disableRowLevelSecurity, enableTenantRowLevelSecurity, isPostgres } from '../kernel/adapters/sql/rls-policies.js';

const TENANT_TABLES = ['webhook_sources', 'webhook_inbox'] as const;

export const migration0019: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('webhook_sources')
      .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
      .addColumn('org_id', 'varchar(40)', (col) => col.notNull().references('orgs.id').onDelete('cascade'))
      .addColumn('name', 'varchar(64)', (col) => col.notNull())
      .addColumn('scheme', 'varchar(32)', (col) => col.notNull())
      .addColumn('secret_name', 'varchar(160)', (col) => col.notNull())
      .addColumn('secret_version', 'integer', (col) => col.notNull())
      .addColumn('previous_secret_version', 'integer')
      .addColumn('previous_secret_until', 'bigint')
      .addColumn('tolerance_seconds', 'integer', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .addUniqueConstraint('webhook_sources_org_name', ['org_id', 'name'])
      .execute();
    await db.schema
      .createTable('webhook_inbox')
      .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
      .addColumn('org_id', 'varchar(40)', (col) => col.references('orgs.id').onDelete('cascade'))
      .addColumn('source_key', 'varchar(64)', (col) => col.notNull())
      .addColumn('source_name', 'varchar(64)', (col) => col.notNull())
      .addColumn('event_id', 'varchar(255)', (col) => col.notNull())
      .addColumn('event_type', 'varchar(255)')
      .addColumn('body', 'text', (col) => col.notNull())
      .addColumn('received_at', 'bigint', (col) => col.notNull())
      .addColumn('attempts', 'integer', (col) => col.notNull())
      .addColumn('next_attempt_at', 'bigint', (col) => col.notNull())
      .addColumn('lease_until', 'bigint')
      .addColumn('processed_at', 'bigint')
      .addColumn('last_error', 'varchar(64)')
      // Exactly-once acceptance: one row per event id and source, whatever the sender retries.
      .addUniqueConstraint('webhook_inbox_source_event', ['source_key', 'event_id'])
      .execute();
    await db.schema.createIndex('webhook_inbox_due').on('webhook_inbox').columns(['processed_at', 'next_attempt_at']).execute();
    for (const table of TENANT_TABLES) await enableTenantRowLevelSecurity(db, table);
  },
  async down(db: Kysely<unknown>) {
    const postgres = await isPostgres(db);
    for (const table of [...TENANT_TABLES].reverse()) {
      if (postgres) await disableRowLevelSecurity(db, table);
      await db.schema.dropTable(table).execute();
    }
  },
};
