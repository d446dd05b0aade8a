/**
 * Jobs (issue 14; docs/decisions/022-jobs-queue.md): sandboxed runs of an org's commands as a durable
 * queue, and their output.
 *
 * - `jobs`: one row per job. `command`, `limits`, `secret_names`, `files` (names and sizes) and
 *   `verify` (the reference argv and the number of inputs) are JSON text; secret VALUES are never
 *   stored. `input` holds the job's input bytes (files and verify inputs, base64 in JSON) while it
 *   waits, and is cleared when it ends. `instance_id` is the instance running it; a `running` job
 *   whose instance is gone is marked `interrupted` (never run again). `pinned_instance` names the
 *   only instance that may start it (a job with secrets: see the decision record).
 * - `job_logs`: output chunks in `seq` order (the SSE event id), purged past the retention period.
 *
 * Both are tenant tables under row-level security on PostgreSQL; both go with their org.
 */
import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';
import { disableRowLevelSecurity, enableTenantRowLevelSecurity, isPostgres, TENANT_ROLE } from '../kernel/adapters/sql/rls-policies.js';

export const migration0017: Migration = {
  async up(db: Kysely<unknown>) {
    const postgres = await isPostgres(db);
    await db.schema
      .createTable('jobs')
      .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
      .addColumn('org_id', 'varchar(40)', (col) => col.notNull().references('orgs.id').onDelete('cascade'))
      .addColumn('created_by', 'varchar(128)', (col) => col.notNull())
      .addColumn('creator', 'text', (col) => col.notNull())
      .addColumn('status', 'varchar(16)', (col) => col.notNull())
      .addColumn('command', 'text', (col) => col.notNull())
      .addColumn('limits', 'text', (col) => col.notNull())
      .addColumn('secret_names', 'text', (col) => col.notNull())
      .addColumn('files', 'text', (col) => col.notNull())
      .addColumn('verify', 'text')
      .addColumn('input', 'text')
      .addColumn('exit_code', 'integer')
      .addColumn('signal', 'varchar(32)')
      .addColumn('failure', 'varchar(64)')
      .addColumn('diff', 'text')
      .addColumn('output_truncated', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('usage', 'text')
      .addColumn('instance_id', 'varchar(64)')
      .addColumn('pinned_instance', 'varchar(64)')
      .addColumn('cancelled_by', 'varchar(128)')
      .addColumn('cancel_requested_at', 'bigint')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('started_at', 'bigint')
      .addColumn('finished_at', 'bigint')
      .execute();
    await db.schema.createIndex('jobs_org_created').on('jobs').columns(['org_id', 'created_at']).execute();
    await db.schema.createIndex('jobs_status_created').on('jobs').columns(['status', 'created_at']).execute();
    await db.schema
      .createTable('job_logs')
      .addColumn('seq', postgres ? 'bigserial' : 'integer', (col) => (postgres ? col.primaryKey() : col.primaryKey().autoIncrement()))
      .addColumn('job_id', 'varchar(40)', (col) => col.notNull().references('jobs.id').onDelete('cascade'))
      .addColumn('org_id', 'varchar(40)', (col) => col.notNull().references('orgs.id').onDelete('cascade'))
      .addColumn('stream', 'varchar(8)', (col) => col.notNull())
      .addColumn('data', postgres ? 'bytea' : 'blob', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('job_logs_job_seq').on('job_logs').columns(['job_id', 'seq']).execute();
    await db.schema.createIndex('job_logs_created').on('job_logs').column('created_at').execute();
    await enableTenantRowLevelSecurity(db, 'jobs');
    await enableTenantRowLevelSecurity(db, 'job_logs');
    // A tenant transaction appends log chunks (draws a position); 0012's default privileges cover tables only.
    if (postgres) await sql.raw(`GRANT USAGE, SELECT ON SEQUENCE job_logs_seq_seq TO ${TENANT_ROLE}`).execute(db);
  },
  async down(db: Kysely<unknown>) {
    if (await isPostgres(db)) {
      await disableRowLevelSecurity(db, 'job_logs');
      await disableRowLevelSecurity(db, 'jobs');
    }
    await db.schema.dropTable('job_logs').execute();
    await db.schema.dropTable('jobs').execute();
  },
};
