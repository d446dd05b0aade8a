/**
 * The event outbox (src/kernel/events/event-outbox.ts): Rampart's own events, appended in the
 * transaction of the change that caused them and read in `seq` order by their consumers. `org_id`
 * is null for a deployment-wide event; there is no foreign key, so an org's last events (its
 * deletion among them) are written in the same transaction that deletes it and its consumers
 * decide what to do with them. On PostgreSQL the table is a tenant table under row-level security.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { disableRowLevelSecurity, enableTenantRowLevelSecurity, isPostgres, TENANT_ROLE } from '../kernel/adapters/sql/rls-policies.js';

export const migration0016: Migration = {
  async up(db: Kysely<unknown>) {
    const postgres = await isPostgres(db);
    await db.schema
      .createTable('event_outbox')
      .addColumn('seq', postgres ? 'bigserial' : 'integer', (col) => (postgres ? col.primaryKey() : col.primaryKey().autoIncrement()))
      .addColumn('id', 'varchar(40)', (col) => col.notNull().unique())
      .addColumn('type', 'varchar(64)', (col) => col.notNull())
      .addColumn('org_id', 'varchar(40)')
      .addColumn('data', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('event_outbox_org').on('event_outbox').columns(['org_id', 'seq']).execute();
    await enableTenantRowLevelSecurity(db, 'event_outbox');
    // A tenant transaction appends (draws a position); 0012's default privileges cover tables only.
    if (postgres) await sql.raw(`GRANT USAGE, SELECT ON SEQUENCE event_outbox_seq_seq TO ${TENANT_ROLE}`).execute(db);
  },
  async down(db: Kysely<unknown>) {
    if (await isPostgres(db)) await disableRowLevelSecurity(db, 'event_outbox');
    await db.schema.dropTable('event_outbox').execute();
  },
};
