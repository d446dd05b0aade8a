/**
 * Integration: entries given their indices and appended to the Merkle tree, inside the caller's
 * transaction. The next index is read from the table in that same transaction (never trusted
 * from memory), so a stale in-memory frontier — another process or instance appended meanwhile
 * — is reloaded from the stored subtrees instead of forking the tree; the primary key on
 * `leaf_index` makes a duplicate index fail the transaction rather than the log.
 */
import { sql, type Transaction } from 'kysely';
import { auditLeafHash } from '../crypto/audit-leaf.js';
import { CompactRange, type SubtreeHash, type SubtreeRef, type SubtreeSource } from '../crypto/merkle.js';
import { ENTRY_COLUMNS, fromBase64, leafAt, rowLeafParts, toBase64, type ColumnType, type LeafParts } from './audit-rows.js';
import type { AuditEntryColumns, AuditEntryTable, AuditSubtreeTable } from './audit-tables.js';
import type { RampartDatabase, RampartKysely } from '../../kernel/adapters/sql/schema.js';
import type { SqlDialectName } from '../../kernel/adapters/sql/sql-database.js';

type Db = RampartKysely | Transaction<RampartDatabase>;

// SQLite allows 32,766 bound parameters per statement: 19 columns × 500 rows.
const ROWS_PER_INSERT = 500;
// Subtrees asked for in one query: a proof and its root need about 2·log2(n) + log2(n).
const SUBTREES_PER_SELECT = 300;

/** The columns an integration writes to `audit_entries` (`payload` starts null), in this order. */
export const INTEGRATED_COLUMNS = [
  ['leaf_index', 'bigint'],
  ...ENTRY_COLUMNS,
  ['leaf', 'text'],
  ['leaf_hash', 'text'],
] as const satisfies readonly (readonly [keyof AuditEntryTable, ColumnType])[];

const SUBTREE_COLUMNS = [
  ['level', 'integer'],
  ['idx', 'bigint'],
  ['hash', 'text'],
] as const satisfies readonly (readonly [keyof AuditSubtreeTable, ColumnType])[];

/** The stored key of the complete aligned subtree `[start, start + size)` (`size` a power of two): its level and index in that level. */
export function subtreeKey(start: number, size: number): { readonly level: number; readonly idx: number } {
  return { level: Math.log2(size), idx: start / size };
}

/**
 * Inserts `rows` into `table` (the `columns` named). PostgreSQL: ONE statement whatever the number
 * of rows, each column bound as one array and spread by `unnest` (measured against one JSON
 * parameter through `json_to_recordset` and multi-row `values`: ~30 µs a row against ~45 and ~70);
 * SQLite: multi-row inserts of up to 500 rows. Values are always bound parameters.
 */
async function insertRows<T>(
  trx: Transaction<RampartDatabase>,
  dialect: SqlDialectName,
  table: 'audit_entries' | 'audit_pending' | 'audit_subtrees',
  columns: readonly (readonly [keyof T & string, ColumnType])[],
  rows: readonly T[],
): Promise<void> {
  if (rows.length === 0) return;
  const names = sql.join(columns.map(([name]) => sql.ref(name)));
  if (dialect === 'postgres') {
    const arrays = columns.map(([name, type]) => sql`${rows.map((row) => row[name])}::${sql.raw(type)}[]`);
    await sql`insert into ${sql.table(table)} (${names}) select * from unnest(${sql.join(arrays)})`.execute(trx);
    return;
  }
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const values = rows.slice(i, i + ROWS_PER_INSERT).map((row) => sql`(${sql.join(columns.map(([name]) => row[name]))})`);
    await sql`insert into ${sql.table(table)} (${names}) values ${sql.join(values)}`.execute(trx);
  }
}

/**
 * Queues `rows` in `audit_pending`, as instances of earlier versions did on PostgreSQL (their queue is
 * integrated by {@link integratePending}); kept for the tests of that upgrade path.
 */
export function insertPending(
  trx: Transaction<RampartDatabase>,
  dialect: SqlDialectName,
  rows: readonly AuditEntryColumns[],
): Promise<void> {
  return insertRows(trx, dialect, 'audit_pending', ENTRY_COLUMNS, rows);
}

/**
 * The stored subtree hashes read through `db` (a transaction or the pool). The lookups asked for
 * in one turn of the event loop — a proof's nodes, its root's parts and its leaf, which proof
 * generation asks for all at once — are read in ONE query (an OR of `(level, idx)` key lookups).
 */
export function subtreeSource(db: Db): SubtreeSource {
  let pending: { ref: SubtreeRef; resolve: (hash: Uint8Array) => void; reject: (error: unknown) => void }[] = [];
  const run = async (batch: typeof pending): Promise<void> => {
    const found = new Map<string, string>();
    for (let i = 0; i < batch.length; i += SUBTREES_PER_SELECT) {
      const refs = batch.slice(i, i + SUBTREES_PER_SELECT).map((item) => item.ref);
      const rows = await db
        .selectFrom('audit_subtrees')
        .select(['level', 'idx', 'hash'])
        // An OR of primary-key lookups: SQLite (a multi-index OR) and PostgreSQL (a bitmap OR) both seek each one.
        .where((eb) =>
          eb.or(
            refs.map((ref) => {
              const key = subtreeKey(ref.start, ref.size);
              return eb.and([eb('level', '=', key.level), eb('idx', '=', key.idx)]);
            }),
          ),
        )
        .execute();
      for (const row of rows) found.set(`${Number(row.level)}+${Number(row.idx)}`, row.hash);
    }
    for (const item of batch) {
      const key = subtreeKey(item.ref.start, item.ref.size);
      const hash = found.get(`${key.level}+${key.idx}`);
      item.resolve(hash === undefined ? new Uint8Array(0) : fromBase64(hash));
    }
  };
  return {
    subtree(start, size) {
      return new Promise<Uint8Array>((resolve, reject) => {
        if (pending.length === 0) {
          process.nextTick(() => {
            const batch = pending;
            pending = [];
            run(batch).catch((error: unknown) => {
              for (const item of batch) item.reject(error);
            });
          });
        }
        pending.push({ ref: { start, size }, resolve, reject });
      });
    },
  };
}

/** The number of integrated entries, read in `db`'s transaction. */
export async function integratedSize(db: RampartKysely | Transaction<RampartDatabase>): Promise<number> {
  const row = await db
    .selectFrom('audit_entries')
    .select((eb) => eb.fn.max('leaf_index').as('last'))
    .executeTakeFirst();
  return row?.last === null || row?.last === undefined ? 0 : Number(row.last) + 1;
}

/**
 * Appends `rows` as the next leaves, in order, within `trx`; returns the new frontier (the one
 * given is not changed, so a rolled-back transaction leaves it valid) and the rows written.
 * `frontier` may be a function, asked once the size is read: the newest committed frontier then
 * (a writer whose transaction overlapped the previous one's commit). `parts`, the rows' leaves
 * spelled without their index (`rowLeafParts`), lets a caller do that work before it takes a lock.
 */
export async function appendToTree(
  trx: Transaction<RampartDatabase>,
  given: CompactRange | undefined | (() => CompactRange | undefined),
  rows: readonly AuditEntryColumns[],
  dialect: SqlDialectName = 'sqlite',
  parts: readonly LeafParts[] = rows.map((row) => rowLeafParts(row)),
): Promise<{ frontier: CompactRange; entries: AuditEntryTable[] }> {
  const size = await integratedSize(trx);
  const frontier = typeof given === 'function' ? given() : given;
  const next =
    frontier !== undefined && frontier.size === size
      ? CompactRange.fromPeaks(size, frontier.peaks())
      : await CompactRange.fromSource(size, subtreeSource(trx));
  const entries: AuditEntryTable[] = [];
  const subtrees: SubtreeHash[] = [];
  for (const [i, row] of rows.entries()) {
    const leaf = leafAt(parts[i] as LeafParts, size + i);
    const hash = auditLeafHash(leaf);
    subtrees.push(...next.append(hash));
    entries.push({ ...row, leaf_index: size + i, leaf, leaf_hash: toBase64(hash), payload: null });
  }
  await insertRows(trx, dialect, 'audit_entries', INTEGRATED_COLUMNS, entries);
  await insertRows(
    trx,
    dialect,
    'audit_subtrees',
    SUBTREE_COLUMNS,
    subtrees.map((s) => ({ ...subtreeKey(s.start, s.size), hash: toBase64(s.hash) })),
  );
  return { frontier: next, entries };
}
