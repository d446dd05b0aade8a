/**
 * Platform user management: one-time set-password tokens, stored only as SHA-256 hex and
 * consumed by one guarded UPDATE; and session tombstones, so that the revoked sessions of a deleted
 * user (whose session rows the erasure removes) still seed every instance's revocation set
 * (docs/decisions/004-user-deletion.md).
 */
import type { Kysely, Migration } from 'kysely';

export const migration0005: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('password_tokens')
      .addColumn('token_hash', 'varchar(64)', (col) => col.primaryKey())
      .addColumn('user_id', 'varchar(40)', (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
    await db.schema.createIndex('password_tokens_user_id').on('password_tokens').column('user_id').execute();
    await db.schema
      .createTable('session_tombstones')
      .addColumn('session_id', 'varchar(40)', (col) => col.primaryKey())
      .addColumn('revoked_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('session_tombstones_revoked_at').on('session_tombstones').column('revoked_at').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('session_tombstones').execute();
    await db.schema.dropTable('password_tokens').execute();
  },
};
