/**
 * The audit log's append path on SQLite, on prepared better-sqlite3 statements: the group commit
 * writes hundreds of entries (and a subtree hash or two per entry) per transaction, and building
 * each of those statements through Kysely cost more than SQLite's own work. The statements write
 * exactly the rows {@link appendToTree} writes through Kysely (which PostgreSQL keeps using); the
 * transaction is `BEGIN IMMEDIATE` … `COMMIT` on the handle, run while holding Kysely's one
 * connection, so that no Kysely transaction is open on the handle meanwhile.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { auditLeafHash } from '../crypto/audit-leaf.js';
import type { PersonalRef } from '../crypto/audit-personal.js';
import { CompactRange, type SyncSubtreeSource } from '../crypto/merkle.js';
import { fromBase64, rowLeaf, toBase64 } from './audit-rows.js';
import type { AuditEntryColumns, AuditEntryTable } from './audit-tables.js';
import { INTEGRATED_COLUMNS, subtreeKey } from './audit-tree-append.js';
import type { SubjectKeyStatements } from './sql-audit-subjects.js';
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';

/** A row to append, with its personal-field reference when the caller already has it parsed. */
export interface AppendRow {
  readonly columns: AuditEntryColumns;
  readonly personal?: PersonalRef | undefined;
}

export class SqliteAuditStatements implements SubjectKeyStatements {
  readonly #handle: BetterSqlite3.Database;
  readonly #size: BetterSqlite3.Statement<[], { last: number | bigint | null }>;
  readonly #subtree: BetterSqlite3.Statement<[number, number], { hash: string }>;
  readonly #insertEntry: BetterSqlite3.Statement<(string | number | null)[]>;
  readonly #insertSubtree: BetterSqlite3.Statement<[number, number, string]>;
  readonly #selectKey: BetterSqlite3.Statement<[string], { sealed_key: string }>;
  readonly #insertKey: BetterSqlite3.Statement<[string, string, number]>;

  constructor(handle: BetterSqlite3.Database) {
    this.#handle = handle;
    this.#size = handle.prepare('select max(leaf_index) as last from audit_entries');
    this.#subtree = handle.prepare('select hash from audit_subtrees where level = ? and idx = ?');
    this.#insertEntry = handle.prepare<(string | number | null)[]>(
      `insert into audit_entries (${INTEGRATED_COLUMNS.map(([name]) => name).join(', ')}) values (${INTEGRATED_COLUMNS.map(() => '?').join(', ')})`,
    );
    this.#insertSubtree = handle.prepare('insert into audit_subtrees (level, idx, hash) values (?, ?, ?)');
    this.#selectKey = handle.prepare('select sealed_key from audit_subject_keys where subject = ?');
    this.#insertKey = handle.prepare(
      'insert into audit_subject_keys (subject, sealed_key, created_at) values (?, ?, ?) on conflict (subject) do nothing',
    );
  }

  /**
   * Runs `work` in one `BEGIN IMMEDIATE` transaction on the handle while holding `db`'s connection:
   * committed (with `synchronous=FULL`, on disk) when the promise resolves, rolled back when it throws.
   */
  async transaction<T>(db: RampartKysely, work: () => T): Promise<T> {
    return db.connection().execute(() => Promise.resolve(this.#handle.transaction(work).immediate()));
  }

  /** The number of integrated entries. */
  size(): number {
    const last = this.#size.get()?.last;
    return last === null || last === undefined ? 0 : Number(last) + 1;
  }

  readonly #source: SyncSubtreeSource = {
    subtree: (start, size) => {
      const key = subtreeKey(start, size);
      const row = this.#subtree.get(key.level, key.idx);
      return row === undefined ? new Uint8Array(0) : fromBase64(row.hash);
    },
  };

  /**
   * Appends `rows` as the next leaves, in order; call it inside {@link transaction}. Like
   * {@link appendToTree}: the next index is read in the transaction, a stale `frontier` is reloaded
   * from the stored subtrees, and the one given is not changed (a rollback leaves it valid). The
   * rows written are returned when `keepEntries` (someone listens for them).
   */
  append(
    frontier: CompactRange | undefined,
    rows: readonly AppendRow[],
    keepEntries = true,
  ): { frontier: CompactRange; entries: AuditEntryTable[] } {
    const size = this.size();
    const next =
      frontier !== undefined && frontier.size === size
        ? CompactRange.fromPeaks(size, frontier.peaks())
        : CompactRange.fromSourceSync(size, this.#source);
    const entries: AuditEntryTable[] = [];
    for (const [i, { columns: c, personal }] of rows.entries()) {
      const index = size + i;
      const leaf = rowLeaf(c, index, personal);
      const hash = auditLeafHash(leaf);
      const leafHash = toBase64(hash);
      // In INTEGRATED_COLUMNS order.
      this.#insertEntry.run(
        index,
        c.timestamp,
        c.org,
        c.actor_type,
        c.actor_id,
        c.action,
        c.resource,
        c.result,
        c.reason,
        c.source_ip,
        c.request_id,
        c.user_agent,
        c.details,
        c.subject,
        c.format,
        c.personal,
        c.sealed,
        leaf,
        leafHash,
      );
      for (const subtree of next.append(hash)) {
        const key = subtreeKey(subtree.start, subtree.size);
        this.#insertSubtree.run(key.level, key.idx, subtree.size === 1 ? leafHash : toBase64(subtree.hash));
      }
      if (keepEntries) entries.push({ ...c, leaf_index: index, leaf, leaf_hash: leafHash, payload: null });
    }
    return { frontier: next, entries };
  }

  /** The wrapped key stored for `subject`, if any. */
  sealedKey(subject: string): string | undefined {
    return this.#selectKey.get(subject)?.sealed_key;
  }

  /** Stores a subject's wrapped key unless one exists (another process made it first). */
  insertKey(subject: string, sealedKey: string, createdAt: number): void {
    this.#insertKey.run(subject, sealedKey, createdAt);
  }
}
