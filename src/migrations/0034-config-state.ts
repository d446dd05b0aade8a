/**
 * The configuration's state at the last start (issue 22 item 1, `config.start` audit entries,
 * src/audit/services/config-start-audit.ts): one row, `id = 'last'`, holding the digest of the
 * effective configuration and, per configuration key, a keyed digest of its value (HMAC-SHA-256
 * under a key derived from the root key: a secret's digest cannot be tested against guesses
 * without that key). The next start compares its own digests with these to name the keys that
 * changed. No value is stored, secret or not. No `org_id`: deployment-wide.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { isPostgres, TENANT_ROLE } from '../kernel/adapters/sql/rls-policies.js';

export const migration0034: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('config_state')
      .addColumn('id', 'varchar(16)', (col) => col.primaryKey())
      .addColumn('digest', 'varchar(64)', (col) => col.notNull())
      .addColumn('key_digests', 'text', (col) => col.notNull())
      .addColumn('recorded_at', 'bigint', (col) => col.notNull())
      .execute();
    if ((await isPostgres(db)) && (await hasTenantRole(db))) {
      // 0012's default privileges cover tables the owner creates; say it here as well.
      await sql.raw(`GRANT SELECT, INSERT, UPDATE, DELETE ON config_state TO ${TENANT_ROLE}`).execute(db);
    }
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('config_state').execute();
  },
};

async function hasTenantRole(db: Kysely<unknown>): Promise<boolean> {
  const result = await sql<{ found: number }>`select 1 as found from pg_roles where rolname = ${TENANT_ROLE}`.execute(db);
  return result.rows.length > 0;
}
