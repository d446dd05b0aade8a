/**
 * Linked identities (docs/decisions/025-federated-sign-in.md): an account's identities at OIDC and
 * OAuth providers (`oidc:<name>`), LDAP directories (`ldap:<name>`) and the PAM stack (`pam`). One
 * row per (provider, subject), so an identity at a provider opens at most one account; the
 * account going deletes its links (the foreign key cascades). No `org_id`: an identity belongs to
 * a person, not to an org. No credential and no upstream token is stored here.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { isPostgres, TENANT_ROLE } from '../kernel/adapters/sql/rls-policies.js';

export const migration0025: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('external_identities')
      .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
      .addColumn('user_id', 'varchar(40)', (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('provider', 'varchar(60)', (col) => col.notNull())
      .addColumn('subject', 'varchar(512)', (col) => col.notNull())
      .addColumn('email', 'varchar(320)')
      .addColumn('email_verified', 'integer', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('last_used_at', 'bigint')
      .addUniqueConstraint('external_identities_provider_subject', ['provider', 'subject'])
      .execute();
    await db.schema.createIndex('external_identities_user').on('external_identities').columns(['user_id', 'id']).execute();
    if ((await isPostgres(db)) && (await hasTenantRole(db))) {
      // 0012's default privileges cover tables the owner creates; say it here as well.
      await sql.raw(`GRANT SELECT, INSERT, UPDATE, DELETE ON external_identities TO ${TENANT_ROLE}`).execute(db);
    }
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('external_identities').execute();
  },
};

async function hasTenantRole(db: Kysely<unknown>): Promise<boolean> {
  const result = await sql<{ found: number }>`select 1 as found from pg_roles where rolname = ${TENANT_ROLE}`.execute(db);
  return result.rows.length > 0;
}
