/**
 * Passkeys (docs/decisions/028-passkeys.md): a user's WebAuthn credentials and the single-use
 * challenges of their ceremonies. A credential keeps its COSE public key (base64url), its
 * signature counter (a counter that goes backwards is a cloned authenticator), its backup
 * eligibility and state, its transports and the authenticator's AAGUID; booleans are integers.
 * A challenge is stored only as SHA-256 hex, with what it is bound to: the session that asked for
 * a registration or a step-up, the pending login (the `mfa_token`'s hash) of a second factor, or
 * nothing for a username-less sign-in. Both tables go with the user (foreign keys cascade); neither
 * has an `org_id`: passkeys belong to the account, not to an org.
 */
import type { Kysely, Migration } from 'kysely';

export const migration0027: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('passkeys')
      .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
      .addColumn('user_id', 'varchar(40)', (col) => col.notNull().references('users.id').onDelete('cascade'))
      // WebAuthn §5.1: a credential id is at most 1023 bytes, 1364 characters of base64url.
      .addColumn('credential_id', 'varchar(1400)', (col) => col.notNull().unique())
      .addColumn('public_key', 'text', (col) => col.notNull())
      .addColumn('sign_count', 'bigint', (col) => col.notNull())
      .addColumn('transports', 'varchar(200)', (col) => col.notNull())
      .addColumn('aaguid', 'varchar(36)', (col) => col.notNull())
      .addColumn('backup_eligible', 'integer', (col) => col.notNull())
      .addColumn('backed_up', 'integer', (col) => col.notNull())
      .addColumn('name', 'varchar(200)', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('last_used_at', 'bigint')
      .execute();
    await db.schema.createIndex('passkeys_user_id').on('passkeys').columns(['user_id', 'id']).execute();
    await db.schema
      .createTable('passkey_challenges')
      .addColumn('challenge_hash', 'varchar(64)', (col) => col.primaryKey())
      .addColumn('purpose', 'varchar(16)', (col) => col.notNull())
      .addColumn('user_id', 'varchar(40)', (col) => col.references('users.id').onDelete('cascade'))
      .addColumn('binding', 'varchar(64)')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
    await db.schema.createIndex('passkey_challenges_expires_at').on('passkey_challenges').column('expires_at').execute();
    await db.schema.createIndex('passkey_challenges_user_id').on('passkey_challenges').column('user_id').execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['passkey_challenges', 'passkeys']) await db.schema.dropTable(table).execute();
  },
};
