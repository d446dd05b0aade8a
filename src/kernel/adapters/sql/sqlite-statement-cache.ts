/**
 * A bounded cache of prepared statements in front of a better-sqlite3 handle, for Kysely's
 * SqliteDialect. Kysely's SQLite driver calls `prepare(sql)` for every query it runs, and SQLite
 * parses and plans the text anew each time: on `GET /api/v1/me` that was 14% of the server's CPU.
 * Kysely compiles a query to the same text every time (values are bound parameters, never part of
 * the text), so the statement of a text can be kept and run again.
 *
 * The rules it keeps:
 * - keyed by the exact SQL text; a hit moves the statement to the most recently used end, and the
 *   least recently used one is dropped past `maxEntries` (better-sqlite3 finalizes it when
 *   it is collected);
 * - a statement that is busy (an `iterate()` still open, as Kysely's `stream()` holds one across
 *   awaits) is never handed out again: that caller gets a fresh, uncached statement instead, since
 *   better-sqlite3 refuses to run a busy statement ("This statement is busy executing a query");
 * - texts longer than `maxSqlLength` (multi-row inserts, whose text changes with their row count
 *   and whose preparation is amortised over their rows) are prepared and not kept, so a few large
 *   texts cannot hold the memory of many small ones;
 * - `close()` empties the cache and closes the handle.
 * Statements are re-planned by SQLite itself after a schema change (`sqlite3_prepare_v2`), so a
 * migration never leaves a stale plan behind.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Enough for every query text Rampart issues, with room to spare. */
export const DEFAULT_STATEMENT_CACHE_SIZE = 512;
/** Longer texts are not cached (see the file's header). */
export const DEFAULT_MAX_CACHED_SQL_LENGTH = 8192;

export interface SqliteStatementCacheOptions {
  /** The most statements kept: an integer ≥ 1. */
  readonly maxEntries?: number;
  /** The longest SQL text kept, in UTF-16 units: an integer ≥ 1. */
  readonly maxSqlLength?: number;
}

type Statement = BetterSqlite3.Statement<unknown[]>;

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be an integer ≥ 1, got ${String(value)}`);
  return value;
}

/** The subset of a better-sqlite3 handle Kysely needs, with `prepare` served from a bounded LRU. */
export class SqliteStatementCache implements SqliteDatabase {
  readonly #handle: BetterSqlite3.Database;
  readonly #maxEntries: number;
  readonly #maxSqlLength: number;
  /** Insertion order is recency order: a hit moves its entry to the end. */
  readonly #statements = new Map<string, Statement>();

  constructor(handle: BetterSqlite3.Database, options: SqliteStatementCacheOptions = {}) {
    this.#handle = handle;
    this.#maxEntries = positiveInteger('maxEntries', options.maxEntries ?? DEFAULT_STATEMENT_CACHE_SIZE);
    this.#maxSqlLength = positiveInteger('maxSqlLength', options.maxSqlLength ?? DEFAULT_MAX_CACHED_SQL_LENGTH);
  }

  prepare(sql: string): SqliteStatement {
    if (sql.length > this.#maxSqlLength) return this.#handle.prepare(sql);
    const cached = this.#statements.get(sql);
    if (cached !== undefined) {
      // An open iterator holds it: this caller needs a statement of its own.
      if (cached.busy) return this.#handle.prepare(sql);
      this.#statements.delete(sql);
      this.#statements.set(sql, cached);
      return cached;
    }
    const statement = this.#handle.prepare<unknown[]>(sql);
    this.#statements.set(sql, statement);
    if (this.#statements.size > this.#maxEntries) {
      const oldest = this.#statements.keys().next();
      if (oldest.done !== true) this.#statements.delete(oldest.value);
    }
    return statement;
  }

  /** How many statements are kept. */
  get size(): number {
    return this.#statements.size;
  }

  close(): void {
    this.#statements.clear();
    this.#handle.close();
  }
}
