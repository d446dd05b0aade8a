/**
 * The revocation sequence: every revocation the bus spreads is first appended here, in one
 * ordered, durable record (docs/decisions/014-revocation-bus-liveness.md). An instance whose Redis
 * subscription went quiet or dropped reads what it missed from this table instead of trusting
 * pub/sub, which loses whatever is published while a subscriber is away.
 *
 * `seq` is the order of commits as well as of inserts: appends are serialised (an advisory
 * transaction lock on PostgreSQL; SQLite has one writer), so a reader that has seen position n has
 * seen every position below it. No `org_id`: the table holds ids only (a session, an API key, a
 * client, an org, or a user whose keys were invalidated) and is purged after an hour.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { isPostgres, TENANT_ROLE } from '../kernel/adapters/sql/rls-policies.js';

export const migration0015: Migration = {
  async up(db: Kysely<unknown>) {
    const postgres = await isPostgres(db);
    await db.schema
      .createTable('revocation_sequence')
      .addColumn('seq', postgres ? 'bigserial' : 'integer', (col) => (postgres ? col.primaryKey() : col.primaryKey().autoIncrement()))
      .addColumn('kind', 'varchar(16)', (col) => col.notNull())
      .addColumn('target', 'varchar(200)', (col) => col.notNull())
      .addColumn('revoked_at', 'bigint', (col) => col.notNull())
      .addColumn('recorded_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('revocation_sequence_recorded_at').on('revocation_sequence').column('recorded_at').execute();
    // The working role (a member of rampart_tenant) appends and purges; 0012's default privileges
    // cover tables and sequences created by the owner afterwards, but say it here as well.
    if (postgres && (await hasTenantRole(db))) {
      await sql.raw(`GRANT SELECT, INSERT, DELETE ON revocation_sequence TO ${TENANT_ROLE}`).execute(db);
      await sql.raw(`GRANT USAGE, SELECT ON SEQUENCE revocation_sequence_seq_seq TO ${TENANT_ROLE}`).execute(db);
    }
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('revocation_sequence').execute();
  },
};

async function hasTenantRole(db: Kysely<unknown>): Promise<boolean> {
  const result = await sql<{ found: number }>`select 1 as found from pg_roles where rolname = ${TENANT_ROLE}`.execute(db);
  return result.rows.length > 0;
}
