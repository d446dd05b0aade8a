/**
 * Opens the one database Rampart stores everything in: SQLite (better-sqlite3, WAL,
 * `synchronous=FULL`) in the data directory by default, or PostgreSQL (pg) when
 * `RAMPART_DATABASE_URL` is `postgres://…`. Both go through the same Kysely queries.
 *
 * On PostgreSQL the schema may belong to another role than the one the server works as
 * (`RAMPART_DATABASE_MIGRATION_URL`): migrations then run through a short-lived connection of the
 * owner, which also makes the working role a member of `rampart_tenant`; the server's own pool
 * holds only the working role, which owns no table and cannot bypass row-level security.
 */
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type MigrationResultSet } from 'kysely';
import pg from 'pg';
import type { Secret } from '../../domain/secret.js';
import { ensurePrivateFile } from '../fs/data-directory.js';
import { migrationProvider } from '../../../migrations/index.js';
import { connectionErrorOf } from './connection-error.js';
import { TENANT_ROLE } from './rls-policies.js';
import type { RampartDatabase, RampartKysely } from './schema.js';
import { SqliteStatementCache } from './sqlite-statement-cache.js';

export type SqlDialectName = 'sqlite' | 'postgres';

export interface SqlDatabase {
  readonly dialect: SqlDialectName;
  readonly db: RampartKysely;
  /**
   * SQLite: the better-sqlite3 handle under `db`, for a hot path that runs prepared statements
   * itself (the audit log's appends). Use it only while holding Kysely's connection
   * (`db.connection().execute(…)`), so that no Kysely transaction is open on it meanwhile.
   */
  readonly sqlite?: BetterSqlite3.Database;
  /** Whether the database answers `select 1` within `timeoutMs`. Never throws. */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** `postgres://…`; absent: SQLite at `<dataDir>/rampart.db`. */
  readonly url: Secret<string> | undefined;
  /** PostgreSQL: the schema owner's URL, used only while migrating (absent: `url` migrates). */
  readonly migrationUrl?: Secret<string> | undefined;
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

/** The dialect of each Kysely instance `openDatabase` made, for code handed only the instance. */
const DIALECTS = new WeakMap<RampartKysely, SqlDialectName>();

/** The dialect of a Kysely instance opened by {@link openDatabase}; throws for any other. */
export function dialectOf(db: RampartKysely): SqlDialectName {
  const dialect = DIALECTS.get(db);
  if (dialect === undefined) throw new Error('not a database opened by openDatabase');
  return dialect;
}

/** The schema owner's URL of each PostgreSQL database opened with one (kept off the object itself). */
const MIGRATION_URLS = new WeakMap<SqlDatabase, Secret<string>>();
/** The working role's URL of each PostgreSQL database, to name where a connection failed (kept off the object). */
const URLS = new WeakMap<SqlDatabase, Secret<string>>();

/**
 * `error` as a {@link DatabaseConnectionError} naming its cause (refused, DNS, authentication,
 * TLS, database missing) when it is a connection failure of `database`; else `error` itself.
 */
export function explainDatabaseError(database: SqlDatabase, error: unknown): unknown {
  return connectionErrorOf(error, database.dialect, MIGRATION_URLS.get(database) ?? URLS.get(database)) ?? error;
}

export function openDatabase(options: OpenDatabaseOptions): SqlDatabase {
  if (options.url === undefined) {
    if (options.migrationUrl !== undefined) throw new Error('a migration URL needs a PostgreSQL database URL');
    try {
      return openSqlite(join(options.dataDir, SQLITE_FILE));
    } catch (error) {
      throw connectionErrorOf(error, 'sqlite') ?? error;
    }
  }
  const database = openPostgres(options.url, options.onError);
  URLS.set(database, options.url);
  if (options.migrationUrl !== undefined) MIGRATION_URLS.set(database, options.migrationUrl);
  return database;
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
  // Prepared statements are kept and reused (sqlite-statement-cache.ts): preparing was 14% of CPU.
  const db = new Kysely<RampartDatabase>({ dialect: new SqliteDialect({ database: new SqliteStatementCache(handle) }) });
  DIALECTS.set(db, 'sqlite');
  return {
    dialect: 'sqlite',
    db,
    sqlite: handle,
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
  // A checked-out client has no pool listener: one held long (a transaction waiting on the audit tree's lock) must
  // not crash the process when its server connection dies.
  pool.on('connect', (client) => client.on('error', (error) => onError?.(error)));
  const db = new Kysely<RampartDatabase>({ dialect: new PostgresDialect({ pool }) });
  DIALECTS.set(db, 'postgres');
  return {
    dialect: 'postgres',
    db,
    ping: (timeoutMs = 1000) => withTimeout(sql`select 1`.execute(db), timeoutMs),
    close: () => db.destroy(),
  };
}

/**
 * Runs `work` on the connection migrations use (also `rampart migrate`'s): the schema owner's
 * when the database was opened with a migration URL — then the working role is granted
 * `rampart_tenant` afterwards, so it reaches the tables only through that role's grants and
 * row-level security — else its own.
 */
export async function asSchemaOwner<T>(database: SqlDatabase, work: (db: RampartKysely) => Promise<T>): Promise<T> {
  const ownerUrl = MIGRATION_URLS.get(database);
  if (ownerUrl === undefined) return work(database.db);
  const owner = openPostgres(ownerUrl);
  try {
    const result = await work(owner.db);
    const working = await sql<{ name: string }>`select current_user as name`.execute(database.db);
    const ownerName = await sql<{ name: string }>`select current_user as name`.execute(owner.db);
    const name = working.rows[0]?.name;
    const role = await sql<{ found: number }>`select 1 as found from pg_roles where rolname = ${TENANT_ROLE}`.execute(owner.db);
    if (name !== undefined && name !== ownerName.rows[0]?.name && role.rows.length > 0) {
      try {
        await sql`grant ${sql.id(TENANT_ROLE)} to ${sql.id(name)}`.execute(owner.db);
      } catch (error) {
        throw new Error(`the schema owner could not grant ${TENANT_ROLE} to the working role; grant it once as an administrator`, {
          cause: error,
        });
      }
    }
    return result;
  } finally {
    await owner.close();
  }
}

/**
 * Applies every pending migration. Throws a {@link DatabaseConnectionError} naming the cause when
 * the database cannot be reached, else an error with the name of the migration that failed.
 */
export async function migrateToLatest(database: SqlDatabase): Promise<MigrationResultSet> {
  try {
    return await asSchemaOwner(database, async (db) => {
      const migrator = new Migrator({ db, provider: migrationProvider });
      const result = await migrator.migrateToLatest();
      if (result.error !== undefined) {
        const failed = result.results?.find((r) => r.status === 'Error')?.migrationName;
        const explained = explainDatabaseError(database, result.error);
        if (explained !== result.error || failed === undefined) {
          throw explained instanceof Error ? explained : new Error('the migrations could not be read', { cause: result.error });
        }
        throw new Error(`migration ${failed} failed`, { cause: result.error });
      }
      return result;
    });
  } catch (error) {
    throw explainDatabaseError(database, error);
  }
}

/** Migrates to the named version (tests of upgrades load a database of an older version). */
export function migrateTo(database: SqlDatabase, name: string): Promise<void> {
  return asSchemaOwner(database, async (db) => {
    const migrator = new Migrator({ db, provider: migrationProvider });
    const result = await migrator.migrateTo(name);
    if (result.error !== undefined) throw new Error(`migration to ${name} failed`, { cause: result.error });
  });
}
