/**
 * MFA: per-user TOTP state, single-use recovery codes and login challenges.
 * The TOTP secret is stored only sealed (AES-256-GCM under a master-key-derived key, the user id as
 * AAD); recovery codes and `mfa_token`s only as SHA-256 hex. `last_step` is the last accepted TOTP
 * time step, so that a code is accepted once (RFC 6238 §5.2).
 */
import type { Kysely, Migration } from 'kysely';

export const migration0006: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('mfa_totp')
      .addColumn('user_id', 'varchar(40)', (col) => col.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('secret_sealed', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('confirmed_at', 'bigint')
      .addColumn('last_step', 'bigint')
      .execute();
    await db.schema
      .createTable('recovery_codes')
      .addColumn('user_id', 'varchar(40)', (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('code_hash', 'varchar(64)', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('used_at', 'bigint')
      .addPrimaryKeyConstraint('recovery_codes_pk', ['user_id', 'code_hash'])
      .execute();
    await db.schema
      .createTable('mfa_challenges')
      .addColumn('token_hash', 'varchar(64)', (col) => col.primaryKey())
      .addColumn('user_id', 'varchar(40)', (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('device_name', 'varchar(200)')
      .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addColumn('consumed_at', 'bigint')
      .execute();
    await db.schema.createIndex('mfa_challenges_user_id').on('mfa_challenges').column('user_id').execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['mfa_challenges', 'recovery_codes', 'mfa_totp']) await db.schema.dropTable(table).execute();
  },
};
