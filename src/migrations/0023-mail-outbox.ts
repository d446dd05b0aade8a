/**
 * The mail outbox (src/mail/, docs/decisions/024-mail-outbox.md): every message Rampart sends is
 * first a row here, its rendered message (recipient, subject, text, HTML) sealed with AES-256-GCM
 * under a key derived from the master key and bound to the row id, for it may hold a one-time
 * link. The delivery worker claims a row with a guarded UPDATE (`status`, `claimed_until`,
 * `claim_id`), so several instances never send one message twice; a failed attempt sets the next
 * one with exponential backoff and keeps only an error code. A sent row loses its sealed body at
 * once and keeps only metadata until the retention purge. `org_id` (nullable, no foreign key:
 * like the event outbox) names the org the message is about; on PostgreSQL the table is a tenant
 * table under row-level security.
 */
import type { Kysely, Migration } from 'kysely';
import { disableRowLevelSecurity, enableTenantRowLevelSecurity, isPostgres } from '../kernel/adapters/sql/rls-policies.js';

export const migration0023: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('mail_outbox')
      .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
      .addColumn('org_id', 'varchar(40)')
      .addColumn('template', 'varchar(100)', (col) => col.notNull())
      .addColumn('sealed', 'text')
      .addColumn('status', 'varchar(16)', (col) => col.notNull())
      .addColumn('attempts', 'integer', (col) => col.notNull())
      .addColumn('next_attempt_at', 'bigint', (col) => col.notNull())
      .addColumn('claim_id', 'varchar(40)')
      .addColumn('claimed_until', 'bigint')
      .addColumn('last_error', 'varchar(64)')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .addColumn('sent_at', 'bigint')
      .execute();
    await db.schema.createIndex('mail_outbox_due').on('mail_outbox').columns(['status', 'next_attempt_at']).execute();
    await db.schema.createIndex('mail_outbox_org').on('mail_outbox').column('org_id').execute();
    await enableTenantRowLevelSecurity(db, 'mail_outbox');
  },
  async down(db: Kysely<unknown>) {
    if (await isPostgres(db)) await disableRowLevelSecurity(db, 'mail_outbox');
    await db.schema.dropTable('mail_outbox').execute();
  },
};
