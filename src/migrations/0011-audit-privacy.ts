/**
 * Audit privacy: personal fields sealed per subject, retention, and the
 * state of the alert rules.
 *
 * - `audit_subject_keys`: one AES-256-GCM key per subject (user id), stored wrapped under a key
 *   derived from the master key; erasing a subject deletes its row (crypto-shredding).
 * - On `audit_pending` and `audit_entries`: `format` (1: entries written before this migration,
 *   whose leaves hold every field in clear; 2: since), `personal` (the leaf's
 *   `{"commitment", "fields"}` of the sealed fields), `sealed` (the sealed values), and on
 *   `audit_entries` `payload` (`expired` or `erased` once the payload was dropped; the leaf hash
 *   stays, so proofs and verification still pass).
 * - `audit_known_devices`: SHA-256 fingerprints of the user agents each user has signed in with
 *   (the "new device" alert rule).
 * Existing entries keep `format` 1 and verify as before.
 */
import type { Kysely, Migration } from 'kysely';

export const migration0011: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('audit_subject_keys')
      .addColumn('subject', 'varchar(200)', (col) => col.primaryKey())
      .addColumn('sealed_key', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .execute();
    for (const table of ['audit_pending', 'audit_entries']) {
      await db.schema
        .alterTable(table)
        .addColumn('format', 'integer', (col) => col.notNull().defaultTo(1))
        .execute();
      await db.schema.alterTable(table).addColumn('personal', 'text').execute();
      await db.schema.alterTable(table).addColumn('sealed', 'text').execute();
    }
    await db.schema.alterTable('audit_entries').addColumn('payload', 'varchar(16)').execute();
    await db.schema.createIndex('audit_entries_subject').on('audit_entries').column('subject').execute();
    await db.schema.createIndex('audit_entries_timestamp').on('audit_entries').column('timestamp').execute();
    await db.schema.createIndex('audit_entries_org').on('audit_entries').columns(['org', 'leaf_index']).execute();
    await db.schema
      .createTable('audit_known_devices')
      .addColumn('subject', 'varchar(200)', (col) => col.notNull())
      .addColumn('fingerprint', 'varchar(64)', (col) => col.notNull())
      .addColumn('first_seen', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('audit_known_devices_pk', ['subject', 'fingerprint'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('audit_known_devices').execute();
    await db.schema.dropIndex('audit_entries_org').execute();
    await db.schema.dropIndex('audit_entries_timestamp').execute();
    await db.schema.dropIndex('audit_entries_subject').execute();
    await db.schema.alterTable('audit_entries').dropColumn('payload').execute();
    for (const table of ['audit_pending', 'audit_entries']) {
      for (const column of ['sealed', 'personal', 'format']) await db.schema.alterTable(table).dropColumn(column).execute();
    }
    await db.schema.dropTable('audit_subject_keys').execute();
  },
};
