/**
 * {@link AuditLedger} on the shared database: the integrated size, the stored subtree hashes,
 * and checkpoints signed with the log's key. Any instance may issue a checkpoint — it signs
 * `MTH` of the integrated size, computed from O(log n) stored subtrees — and one row per size
 * is kept (the first signer's). Also the paged reads `rampart audit export` streams.
 */
import { formatCheckpoint, signNote, vkey } from '../crypto/signed-note.js';
import { rootFromSource, type SubtreeSource } from '../crypto/merkle.js';
import type { AuditEntry } from '../../kernel/domain/audit-entry.js';
import { DomainError } from '../../kernel/domain/errors.js';
import type { Secret } from '../../kernel/domain/secret.js';
import type { AuditCheckpoint, AuditLedger } from '../ports/audit-ledger.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { fromBase64, rowEntry, toBase64 } from './audit-rows.js';
import type { AuditCheckpointTable } from './audit-tables.js';
import { integratedSize, subtreeSource } from './audit-tree-append.js';
import { loadAuditKeys, type AuditKeys } from './sql-audit-key-store.js';
import type { SqlDatabase } from '../../kernel/adapters/sql/sql-database.js';
import { withSystem } from '../../kernel/adapters/sql/rls-scope.js';
import { appendEvent } from '../../kernel/events/event-outbox.js';

/** An entry as stored: the entry, its leaf text and leaf hash as the database holds them. */
export interface StoredAuditEntry {
  readonly entry: AuditEntry;
  readonly leaf: string;
  readonly leafHash: string;
}

export interface SqlAuditLedgerOptions {
  /** The master key; without it the ledger reads but does not sign. */
  readonly kek?: Secret<Buffer>;
  /** The origin for a new deployment's key (an existing key keeps the origin it was made with). */
  readonly origin: string;
  readonly clock: Clock;
}

const toCheckpoint = (row: AuditCheckpointTable): AuditCheckpoint => ({
  size: row.size,
  rootHash: fromBase64(row.root),
  note: row.note,
  createdAt: row.created_at,
});

/** Subtrees of at least this many leaves are cached by the ledger: few, and asked for by most proofs. */
const CACHED_SUBTREE_MIN = 256;
const CACHED_SUBTREES = 16_384;

/**
 * `source` with the hashes of its large subtrees kept in memory. A complete subtree of an
 * append-only log never changes once stored, and the upper levels are the nodes most proofs
 * share; the lower levels (most of the n·2 subtrees) are read each time. Bounded: when full,
 * the oldest cached hash is dropped.
 */
function upperLevelCache(source: SubtreeSource): SubtreeSource {
  const cache = new Map<string, Uint8Array>();
  return {
    async subtree(start, size) {
      if (size < CACHED_SUBTREE_MIN) return source.subtree(start, size);
      const key = `${start}+${size}`;
      const cached = cache.get(key);
      if (cached !== undefined) return Uint8Array.from(cached);
      const hash = await source.subtree(start, size);
      if (hash.length === 0) return hash; // not stored (yet): never cache an absence
      if (cache.size >= CACHED_SUBTREES) cache.delete(cache.keys().next().value as string);
      cache.set(key, Uint8Array.from(hash));
      return hash;
    },
  };
}

export class SqlAuditLedger implements AuditLedger {
  readonly #database: SqlDatabase;
  readonly #keys: AuditKeys;
  readonly #clock: Clock;
  readonly #source: SubtreeSource;

  private constructor(database: SqlDatabase, keys: AuditKeys, clock: Clock) {
    this.#database = database;
    this.#keys = keys;
    this.#clock = clock;
    this.#source = upperLevelCache(subtreeSource(database.db));
  }

  /** Opens the ledger, creating the log's signing key on a deployment's first start. */
  static async open(database: SqlDatabase, options: SqlAuditLedgerOptions): Promise<SqlAuditLedger> {
    return new SqlAuditLedger(database, await loadAuditKeys(database.db, options), options.clock);
  }

  get origin(): string {
    return this.#keys.name;
  }

  verifierKey(): string {
    return vkey(this.#keys.verifier.name, this.#keys.verifier.publicKey);
  }

  treeSize(): Promise<number> {
    return integratedSize(this.#database.db);
  }

  subtree(start: number, size: number): Promise<Uint8Array> {
    return this.#source.subtree(start, size);
  }

  async latestCheckpoint(): Promise<AuditCheckpoint | undefined> {
    const row = await this.#database.db.selectFrom('audit_checkpoints').selectAll().orderBy('size', 'desc').limit(1).executeTakeFirst();
    return row === undefined ? undefined : toCheckpoint(row);
  }

  async issueCheckpoint(): Promise<{ checkpoint: AuditCheckpoint; issued: boolean }> {
    const signer = this.#keys.signer;
    if (signer === undefined) throw new DomainError('audit_unavailable', 'This ledger was opened without the master key');
    const size = await this.treeSize();
    const latest = await this.latestCheckpoint();
    // A log shorter than a tree head it signed has lost entries: refuse to sign over it.
    if (latest !== undefined && latest.size > size) {
      throw new DomainError('audit_unavailable', 'The audit log is shorter than its latest checkpoint');
    }
    if (latest !== undefined && latest.size === size) return { checkpoint: latest, issued: false };
    const rootHash = await rootFromSource(size, this.#source);
    const note = signNote(formatCheckpoint({ origin: this.origin, size, rootHash, extensions: [] }), signer);
    const row = { size, root: toBase64(rootHash), note, created_at: this.#clock.now() };
    // System: `audit.checkpoint` is a deployment event (a null-org outbox row), stored with the
    // checkpoint by the signer whose row won (a concurrent signer of the same size inserts nothing).
    await withSystem(this.#database.db, async (trx) => {
      const inserted = await trx
        .insertInto('audit_checkpoints')
        .values(row)
        .onConflict((oc) => oc.column('size').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) {
        await appendEvent(trx, { type: 'audit.checkpoint', orgId: null, data: { tree_size: size } }, row.created_at);
      }
    });
    const stored = await this.#database.db.selectFrom('audit_checkpoints').selectAll().where('size', '=', size).executeTakeFirstOrThrow();
    return { checkpoint: toCheckpoint(stored), issued: stored.note === note };
  }

  /** Every stored checkpoint, smallest tree first. */
  async checkpoints(): Promise<AuditCheckpoint[]> {
    const rows = await this.#database.db.selectFrom('audit_checkpoints').selectAll().orderBy('size').execute();
    return rows.map(toCheckpoint);
  }

  /** Up to `limit` stored entries from index `from` on, in index order, exactly as stored. */
  async entries(from: number, limit: number): Promise<StoredAuditEntry[]> {
    const rows = await this.#database.db
      .selectFrom('audit_entries')
      .selectAll()
      .where('leaf_index', '>=', from)
      .orderBy('leaf_index')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ entry: rowEntry(row, row.leaf_index), leaf: row.leaf, leafHash: row.leaf_hash }));
  }
}
