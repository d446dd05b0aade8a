/**
 * Email verification, password reset by mail and email change (src/identity/email/):
 * `users.email_verified_at` (null: the address is not verified) and `email_tokens`, the one-time
 * tokens those flows mail — stored only as SHA-256 hex, with their purpose (`verify`, `reset`,
 * `change`), the new address of a change, an expiry and the time they were used, consumed by one
 * guarded UPDATE. The user's account going deletes its tokens (the foreign key cascades).
 */
import type { Kysely, Migration } from 'kysely';

export const migration0024: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('users').addColumn('email_verified_at', 'bigint').execute();
    await db.schema
      .createTable('email_tokens')
      .addColumn('token_hash', 'varchar(64)', (col) => col.primaryKey())
      .addColumn('purpose', 'varchar(16)', (col) => col.notNull())
      .addColumn('user_id', 'varchar(40)', (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('new_email', 'varchar(254)')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
    await db.schema.createIndex('email_tokens_user_id').on('email_tokens').column('user_id').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('email_tokens').execute();
    await db.schema.alterTable('users').dropColumn('email_verified_at').execute();
  },
};
