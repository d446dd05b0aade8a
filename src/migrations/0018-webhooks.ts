/**
 * Outbound webhooks (docs/decisions/023-webhooks.md): an org's endpoints, the deliveries the
 * outbox consumer fans each event out to (one per endpoint and event, by a unique constraint) with
 * the log of their attempts (time, status, latency, error class — never a response body), and the
 * consumer's position in `event_outbox` with the holes it passed. Endpoints and deliveries are
 * tenant tables under row-level security on PostgreSQL; they go with their org (foreign keys cascade).
 * The signing secrets are not here: they are secrets of the org (secrets capability).
 */
import type { Kysely, Migration } from 'kysely';
import { disableRowLevelSecurity, enableTenantRowLevelSecurity, isPostgres } from '../kernel/adapters/sql/rls-policies.js';

const TENANT_TABLES = ['webhook_endpoints', 'webhook_deliveries'] as const;

export const migration0018: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('webhook_endpoints')
      .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
      .addColumn('org_id', 'varchar(40)', (col) => col.notNull().references('orgs.id').onDelete('cascade'))
      .addColumn('url', 'varchar(2048)', (col) => col.notNull())
      .addColumn('events', 'text', (col) => col.notNull())
      .addColumn('description', 'varchar(500)', (col) => col.notNull())
      .addColumn('disabled_reason', 'varchar(32)')
      .addColumn('secret_name', 'varchar(160)', (col) => col.notNull())
      .addColumn('secret_version', 'integer', (col) => col.notNull())
      .addColumn('previous_secret_version', 'integer')
      .addColumn('previous_secret_until', 'bigint')
      .addColumn('failing_since', 'bigint')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('webhook_endpoints_org').on('webhook_endpoints').columns(['org_id', 'id']).execute();
    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
      .addColumn('org_id', 'varchar(40)', (col) => col.notNull().references('orgs.id').onDelete('cascade'))
      .addColumn('endpoint_id', 'varchar(40)', (col) => col.notNull().references('webhook_endpoints.id').onDelete('cascade'))
      .addColumn('event_id', 'varchar(40)', (col) => col.notNull())
      .addColumn('event_type', 'varchar(64)', (col) => col.notNull())
      .addColumn('payload', 'text', (col) => col.notNull())
      .addColumn('status', 'varchar(16)', (col) => col.notNull())
      .addColumn('attempts', 'integer', (col) => col.notNull())
      .addColumn('next_attempt_at', 'bigint', (col) => col.notNull())
      .addColumn('locked_until', 'bigint')
      .addColumn('last_error', 'varchar(32)')
      .addColumn('last_status_code', 'integer')
      // JSON array of the latest attempts: {at, status, latency_ms, error} each.
      .addColumn('attempt_log', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      // An event is fanned out to an endpoint once, whatever the consumer's crashes.
      .addUniqueConstraint('webhook_deliveries_endpoint_event', ['endpoint_id', 'event_id'])
      .execute();
    // The workers' claim: due pending deliveries in time order.
    await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
    await db.schema
      .createIndex('webhook_deliveries_listing')
      .on('webhook_deliveries')
      .columns(['endpoint_id', 'created_at', 'id'])
      .execute();
    await db.schema
      .createTable('webhook_outbox_cursor')
      .addColumn('consumer', 'varchar(64)', (col) => col.primaryKey())
      .addColumn('position', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema
      .createTable('webhook_outbox_holes')
      .addColumn('seq', 'bigint', (col) => col.primaryKey())
      .addColumn('noticed_at', 'bigint', (col) => col.notNull())
      .execute();
    for (const table of TENANT_TABLES) await enableTenantRowLevelSecurity(db, table);
  },
  async down(db: Kysely<unknown>) {
    const postgres = await isPostgres(db);
    for (const table of [...TENANT_TABLES].reverse()) {
      if (postgres) await disableRowLevelSecurity(db, table);
      await db.schema.dropTable(table).execute();
    }
    await db.schema.dropTable('webhook_outbox_holes').execute();
    await db.schema.dropTable('webhook_outbox_cursor').execute();
  },
};
