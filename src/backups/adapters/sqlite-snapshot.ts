/**
 * {@link DatabaseSnapshot} on the embedded database: SQLite's online backup API (better-sqlite3
 * `backup()`, https://www.sqlite.org/backup.html) copies the live file page by page while servers
 * keep writing, and restarts the copy when a page changes under it, so the copy is one committed
 * state. The copy lives in a private temporary directory inside the data directory (it is as
 * sensitive as the database itself) and is removed once consumed. A restore writes beside the
 * database, flushes, then renames over it: the database is the old one or the whole new one.
 */
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import BetterSqlite3 from 'better-sqlite3';
import { SQLITE_FILE } from '../../kernel/adapters/sql/sql-database.js';
import { randomToken } from '../../kernel/crypto/random.js';
import type { DatabaseSnapshot, SnapshotFacts } from '../ports/database-snapshot.js';
import { readFacts } from './snapshot-facts.js';

/** The tables of a SQLite database, from its catalogue. */
function sqliteTables(handle: BetterSqlite3.Database): string[] {
  const rows = handle.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'").all() as {
    name: string;
  }[];
  return rows.map((row) => row.name);
}

/** The facts of the SQLite database at `file`, opened read-only. */
export async function sqliteFacts(file: string): Promise<SnapshotFacts> {
  const handle = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    return await readFacts((text) => Promise.resolve(handle.prepare(text).all() as Record<string, unknown>[]), sqliteTables(handle));
  } finally {
    handle.close();
  }
}

export class SqliteSnapshot implements DatabaseSnapshot {
  readonly dialect = 'sqlite' as const;
  readonly #dataDir: string;

  constructor(dataDir: string) {
    this.#dataDir = dataDir;
  }

  get #file(): string {
    return join(this.#dataDir, SQLITE_FILE);
  }

  async snapshot<T>(consume: (dump: Readable, facts: SnapshotFacts) => Promise<T>): Promise<T> {
    if (!existsSync(this.#file)) throw new Error('there is no database to back up in RAMPART_DATA_DIR');
    const dir = await mkdtemp(join(this.#dataDir, '.backup-'));
    try {
      const copy = join(dir, SQLITE_FILE);
      const live = new BetterSqlite3(this.#file, { fileMustExist: true });
      try {
        live.pragma('busy_timeout = 5000');
        await live.backup(copy);
      } finally {
        live.close();
      }
      const facts = await sqliteFacts(copy);
      return await consume(createReadStream(copy), facts);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  facts(): Promise<SnapshotFacts> {
    return sqliteFacts(this.#file);
  }

  async isEmpty(): Promise<boolean> {
    if (!existsSync(this.#file) || (await stat(this.#file)).size === 0) return true;
    const handle = new BetterSqlite3(this.#file, { readonly: true, fileMustExist: true });
    try {
      return sqliteTables(handle).length === 0;
    } finally {
      handle.close();
    }
  }

  async restore(dump: Readable, options: { readonly replace: boolean }): Promise<void> {
    if (!options.replace && !(await this.isEmpty())) throw new Error('the database is not empty');
    const temporary = join(this.#dataDir, `.${SQLITE_FILE}.${randomToken(6)}.restore`);
    try {
      await pipeline(dump, createWriteStream(temporary, { mode: 0o600, flags: 'wx' }));
      const handle = await open(temporary, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      // The old database's journal must not be replayed over the restored file.
      await rm(`${this.#file}-wal`, { force: true });
      await rm(`${this.#file}-shm`, { force: true });
      await rename(temporary, this.#file);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}
