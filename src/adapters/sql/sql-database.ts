/**
 * Opens the one database Rampart stores everything in: SQLite (better-sqlite3, WAL,
 * `synchronous=FULL`) in the data directory by default, or PostgreSQL (pg) when
 * `RAMPART_DATABASE_URL` is `postgres://…`. Both go through the same Kysely queries.
 */
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type MigrationResultSet } from 'kysely';
import pg from 'pg';
import type { Secret } from '../../domain/secret.js';
import { ensurePrivateFile } from '../fs/data-directory.js';
import { migrationProvider } from './migrations/index.js';
import type { RampartDatabase, RampartKysely } from './schema.js';

export type SqlDialectName = 'sqlite' | 'postgres';

export interface SqlDatabase {
  readonly dialect: SqlDialectName;
  readonly db: RampartKysely;
  /** Whether the database answers `select 1` within `timeoutMs`. Never throws. */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** `postgres://…`; absent: SQLite at `<dataDir>/rampart.db`. */
  readonly url: Secret<string> | undefined;
  readonly dataDir: string;
  /** Called with pool errors (a PostgreSQL server that went away); they must not crash the process. */
  readonly onError?: (error: Error) => void;
}

/** The embedded database's file name inside the data directory. */
export const SQLITE_FILE = 'rampart.db';

// PostgreSQL BIGINT (OID 20) holds epoch milliseconds here: far inside Number's exact range.
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

function withTimeout(promise: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  return Promise.race([
    promise.then(
      () => true,
      () => false,
    ),
    timeout,
  ]).finally(() => clearTimeout(timer));
}

export function openDatabase(options: OpenDatabaseOptions): SqlDatabase {
  if (options.url !== undefined) return openPostgres(options.url, options.onError);
  return openSqlite(join(options.dataDir, SQLITE_FILE));
}

function openSqlite(file: string): SqlDatabase {
  ensurePrivateFile(file);
  const handle = new BetterSqlite3(file);
  handle.pragma('journal_mode = WAL');
  // FULL: a commit is on disk before it is acknowledged (WAL + NORMAL may lose the last commits
  // on power loss), which the "acknowledged writes are never lost" promise needs.
  handle.pragma('synchronous = FULL');
  handle.pragma('foreign_keys = ON');
  handle.pragma('busy_timeout = 5000');
  const db = new Kysely<RampartDatabase>({ dialect: new SqliteDialect({ database: handle }) });
  return {
    dialect: 'sqlite',
    db,
    ping: (timeoutMs = 1000) => withTimeout(sql`select 1`.execute(db), timeoutMs),
    close: () => db.destroy(),
  };
}

function openPostgres(url: Secret<string>, onError?: (error: Error) => void): SqlDatabase {
  const pool = new pg.Pool({
    connectionString: url.reveal(),
    max: 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    types: pgTypes,
  });
  pool.on('error', (error) => onError?.(error));
  // A checked-out client has no pool listener: one held long (the audit integrator's lock) must
  // not crash the process when its server connection dies.
  pool.on('connect', (client) => client.on('error', (error) => onError?.(error)));
  const db = new Kysely<RampartDatabase>({ dialect: new PostgresDialect({ pool }) });
  return {
    dialect: 'postgres',
    db,
    ping: (timeoutMs = 1000) => withTimeout(sql`select 1`.execute(db), timeoutMs),
    close: () => db.destroy(),
  };
}

/** Applies every pending migration. Throws with the name of the migration that failed. */
export async function migrateToLatest(database: SqlDatabase): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db: database.db, provider: migrationProvider });
  const result = await migrator.migrateToLatest();
  if (result.error !== undefined) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed`, { cause: result.error });
  }
  return result;
}

/** Migrates to the named version (tests of upgrades load a database of an older version). */
export async function migrateTo(database: SqlDatabase, name: string): Promise<void> {
  const migrator = new Migrator({ db: database.db, provider: migrationProvider });
  const result = await migrator.migrateTo(name);
  if (result.error !== undefined) throw new Error(`migration to ${name} failed`, { cause: result.error });
}
