/**
 * Audit throughput (issue 20, items 3 and 4; docs/decisions/031-audit-group-commit.md): fewer
 * B-trees to keep up per appended entry, and subtree hashes stored where proofs read them.
 *
 * - `audit_subtrees` becomes `(level, idx, hash)`, keyed by `(level, idx)`: the subtree of
 *   `2^level` leaves starting at leaf `idx · 2^level`. On SQLite the table is `WITHOUT ROWID` (the
 *   primary key is the table: one B-tree, not a table and an index), and one level's hashes sit
 *   side by side, so the upper levels most proofs share fill a few pages. Hashes stay base64 text.
 * - SQLite: `audit_entries` is rebuilt with `leaf_index INTEGER PRIMARY KEY` — the rowid itself,
 *   no separate primary-key index — every row copied as it was.
 * - Both: the `timestamp` index is dropped (retention walks the log in index order instead), and
 *   the `subject` index only holds rows that have a subject.
 * Existing entries, subtrees and checkpoints keep their values: every proof and checkpoint still verifies.
 */
import { PostgresAdapter, sql, type Kysely, type Migration } from 'kysely';

/** `size` (a power of two, as stored) as its level; constants only, the same on both dialects. */
const LEVEL_OF_SIZE = sql.raw(`case size ${Array.from({ length: 53 }, (_, level) => `when ${2 ** level} then ${level}`).join(' ')} end`);

const ENTRY_COLUMNS =
  'timestamp, org, actor_type, actor_id, action, resource, result, reason, source_ip, request_id, user_agent, details, subject, format, personal, sealed, leaf, leaf_hash, payload';

async function rebuildSqliteEntries(db: Kysely<unknown>): Promise<void> {
  await sql`create table audit_entries_0030 (
    leaf_index integer primary key,
    timestamp bigint not null,
    org varchar(200) not null,
    actor_type varchar(16) not null,
    actor_id varchar(200),
    action varchar(200) not null,
    resource text not null,
    result varchar(16) not null,
    reason text,
    source_ip varchar(64),
    request_id varchar(200),
    user_agent text,
    details text,
    subject varchar(200),
    format integer not null default 1,
    personal text,
    sealed text,
    leaf text not null,
    leaf_hash varchar(44) not null,
    payload varchar(16)
  )`.execute(db);
  await sql
    .raw(
      `insert into audit_entries_0030 (leaf_index, ${ENTRY_COLUMNS}) select leaf_index, ${ENTRY_COLUMNS} from audit_entries order by leaf_index`,
    )
    .execute(db);
  await sql`drop table audit_entries`.execute(db);
  await sql`alter table audit_entries_0030 rename to audit_entries`.execute(db);
  await db.schema.createIndex('audit_entries_org').on('audit_entries').columns(['org', 'leaf_index']).execute();
  await db.schema.createIndex('audit_entries_resource').on('audit_entries').column('resource').execute();
}

export const migration0030: Migration = {
  async up(db: Kysely<unknown>) {
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    await sql`create table audit_subtrees_0030 (
      level integer not null,
      idx bigint not null,
      hash varchar(44) not null,
      constraint audit_subtrees_key primary key (level, idx)
    )${sql.raw(postgres ? '' : ' without rowid')}`.execute(db);
    await sql`insert into audit_subtrees_0030 (level, idx, hash)
      select ${LEVEL_OF_SIZE}, start / size, hash from audit_subtrees`.execute(db);
    await db.schema.dropTable('audit_subtrees').execute();
    await sql`alter table audit_subtrees_0030 rename to audit_subtrees`.execute(db);
    if (postgres) {
      await db.schema.dropIndex('audit_entries_timestamp').execute();
      await db.schema.dropIndex('audit_entries_subject').execute();
    } else {
      await rebuildSqliteEntries(db); // its indexes go with the old table
    }
    await db.schema
      .createIndex('audit_entries_subject')
      .on('audit_entries')
      .column('subject')
      .where(sql.ref('subject'), 'is not', null)
      .execute();
  },
  async down(db: Kysely<unknown>) {
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    await db.schema
      .createTable('audit_subtrees_0004')
      .addColumn('start', 'bigint', (col) => col.notNull())
      .addColumn('size', 'bigint', (col) => col.notNull())
      .addColumn('hash', 'varchar(44)', (col) => col.notNull())
      .addPrimaryKeyConstraint('audit_subtrees_pk', ['start', 'size'])
      .execute();
    await sql`insert into audit_subtrees_0004 (start, size, hash)
      select idx * ${sql.raw(postgres ? 'power(2, level)::bigint' : '(1 << level)')}, ${sql.raw(postgres ? 'power(2, level)::bigint' : '(1 << level)')}, hash from audit_subtrees`.execute(
      db,
    );
    await db.schema.dropTable('audit_subtrees').execute();
    await sql`alter table audit_subtrees_0004 rename to audit_subtrees`.execute(db);
    await db.schema.dropIndex('audit_entries_subject').execute();
    await db.schema.createIndex('audit_entries_subject').on('audit_entries').column('subject').execute();
    await db.schema.createIndex('audit_entries_timestamp').on('audit_entries').column('timestamp').execute();
  },
};
