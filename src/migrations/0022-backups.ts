/**
 * The backups' own records (src/backups/adapters/sql-backup-records.ts): each backup run and each
 * restore drill, with its outcome and timings (the drill's report as signed), read by `/readyz`'s
 * backup check and `rampart doctor`'s drill-age check; and the drill canary, the one account whose
 * password a restore drill knows (sealed under a key derived from the master key), so that a drill
 * can sign in to the restored copy. No `org_id`: these rows are deployment-wide.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { isPostgres, TENANT_ROLE } from '../kernel/adapters/sql/rls-policies.js';

export const migration0022: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('backup_runs')
      .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
      .addColumn('started_at', 'bigint', (col) => col.notNull())
      .addColumn('finished_at', 'bigint', (col) => col.notNull())
      .addColumn('ok', 'integer', (col) => col.notNull())
      .addColumn('backup', 'varchar(200)')
      .addColumn('bytes', 'bigint')
      .addColumn('failure', 'varchar(200)')
      .execute();
    await db.schema.createIndex('backup_runs_finished_at').on('backup_runs').column('finished_at').execute();
    await db.schema
      .createTable('backup_drills')
      .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
      .addColumn('backup', 'varchar(200)', (col) => col.notNull())
      .addColumn('ok', 'integer', (col) => col.notNull())
      .addColumn('started_at', 'bigint', (col) => col.notNull())
      .addColumn('finished_at', 'bigint', (col) => col.notNull())
      .addColumn('report', 'text', (col) => col.notNull())
      .addColumn('signature', 'varchar(128)', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('backup_drills_finished_at').on('backup_drills').column('finished_at').execute();
    await db.schema
      .createTable('backup_canary')
      .addColumn('id', 'varchar(16)', (col) => col.primaryKey())
      .addColumn('user_id', 'varchar(40)', (col) => col.notNull())
      .addColumn('email', 'varchar(320)', (col) => col.notNull())
      .addColumn('sealed_password', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .execute();
    if ((await isPostgres(db)) && (await hasTenantRole(db))) {
      // 0012's default privileges cover tables the owner creates; say it here as well.
      await sql.raw(`GRANT SELECT, INSERT, UPDATE, DELETE ON backup_runs, backup_drills, backup_canary TO ${TENANT_ROLE}`).execute(db);
    }
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('backup_canary').execute();
    await db.schema.dropTable('backup_drills').execute();
    await db.schema.dropTable('backup_runs').execute();
  },
};

async function hasTenantRole(db: Kysely<unknown>): Promise<boolean> {
  const result = await sql<{ found: number }>`select 1 as found from pg_roles where rolname = ${TENANT_ROLE}`.execute(db);
  return result.rows.length > 0;
}
