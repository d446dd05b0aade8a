import { sql, type Kysely, type Migration } from 'kysely';

/** Facts about the deployment itself (its id, when its schema was created). */
export const migration0001: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('rampart_meta')
      .addColumn('key', 'varchar(64)', (col) => col.primaryKey())
      .addColumn('value', 'text', (col) => col.notNull())
      .execute();
    await sql`insert into rampart_meta (key, value) values ('schema_created_at', ${new Date().toISOString()})`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('rampart_meta').execute();
  },
};
