import { PostgresAdapter, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely, type Migration } from 'kysely';

/** The entry fields (test/fixtures/spec-api-v1.md, "Audit"), shared by the pending queue and the log. */
function entryColumns<T extends string>(table: CreateTableBuilder<T>): CreateTableBuilder<T> {
  const notNull = (col: ColumnDefinitionBuilder) => col.notNull();
  return table
    .addColumn('timestamp', 'bigint', notNull)
    .addColumn('org', 'varchar(200)', notNull)
    .addColumn('actor_type', 'varchar(16)', notNull)
    .addColumn('actor_id', 'varchar(200)')
    .addColumn('action', 'varchar(200)', notNull)
    .addColumn('resource', 'text', notNull)
    .addColumn('result', 'varchar(16)', notNull)
    .addColumn('reason', 'text')
    .addColumn('source_ip', 'varchar(64)')
    .addColumn('request_id', 'varchar(200)')
    .addColumn('user_agent', 'text')
    .addColumn('details', 'text')
    .addColumn('subject', 'varchar(200)');
}

/**
 * The tamper-evident audit log: entries with their leaf (RFC 8785 canonical JSON) and leaf hash
 * at their index in the one deployment-wide RFC 9162 tree; the complete aligned subtree hashes
 * that serve proofs in O(log n) reads; signed checkpoints; the sealed checkpoint-signing key; and
 * `audit_pending`, where PostgreSQL instances queue entries for the elected integrator.
 */
export const migration0004: Migration = {
  async up(db: Kysely<unknown>) {
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    await entryColumns(
      db.schema
        .createTable('audit_pending')
        .addColumn('seq', postgres ? 'bigserial' : 'integer', (col) => (postgres ? col.primaryKey() : col.primaryKey().autoIncrement())),
    ).execute();
    await entryColumns(db.schema.createTable('audit_entries').addColumn('leaf_index', 'bigint', (col) => col.primaryKey()))
      .addColumn('leaf', 'text', (col) => col.notNull())
      .addColumn('leaf_hash', 'varchar(44)', (col) => col.notNull())
      .execute();
    await db.schema
      .createTable('audit_subtrees')
      .addColumn('start', 'bigint', (col) => col.notNull())
      .addColumn('size', 'bigint', (col) => col.notNull())
      .addColumn('hash', 'varchar(44)', (col) => col.notNull())
      .addPrimaryKeyConstraint('audit_subtrees_pk', ['start', 'size'])
      .execute();
    await db.schema
      .createTable('audit_checkpoints')
      .addColumn('size', 'bigint', (col) => col.primaryKey())
      .addColumn('root', 'varchar(44)', (col) => col.notNull())
      .addColumn('note', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema
      .createTable('audit_keys')
      .addColumn('id', 'varchar(64)', (col) => col.primaryKey())
      .addColumn('name', 'varchar(200)', (col) => col.notNull())
      .addColumn('public_key', 'varchar(64)', (col) => col.notNull())
      .addColumn('sealed_private_key', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['audit_keys', 'audit_checkpoints', 'audit_subtrees', 'audit_entries', 'audit_pending']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
