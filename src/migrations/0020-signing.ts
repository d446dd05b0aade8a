/**
 * Signing (issue 16): the deployment-wide Ed25519 keyring of artifact and licence signatures
 * (`src/signing/`). No `org_id`: keys belong to the deployment, and an org's signatures stay
 * verifiable after the org is gone. The private seed is wrapped by a KEK of the secrets capability
 * (`kek_id`); `verify_until` is null while a key is active. Also an index on the audit entries'
 * `resource`, by which a signature's log entry is found (`artifact:<payload sha-256>`).
 */
import type { Kysely, Migration } from 'kysely';

export const migration0020: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('signing_keyring')
      .addColumn('id', 'varchar(80)', (col) => col.primaryKey())
      .addColumn('purpose', 'varchar(20)', (col) => col.notNull())
      .addColumn('public_key', 'varchar(64)', (col) => col.notNull())
      .addColumn('kek_id', 'varchar(80)', (col) => col.notNull())
      .addColumn('wrapped_seed', 'text', (col) => col.notNull())
      .addColumn('not_before', 'bigint', (col) => col.notNull())
      .addColumn('retired_at', 'bigint')
      .addColumn('verify_until', 'bigint')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('signing_keyring_purpose').on('signing_keyring').columns(['purpose', 'created_at']).execute();
    await db.schema.createIndex('audit_entries_resource').on('audit_entries').column('resource').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('audit_entries_resource').execute();
    await db.schema.dropTable('signing_keyring').execute();
  },
};
