/**
 * One scheduled run at a time. On PostgreSQL, across every instance of the deployment: the run
 * holds a session-level advisory lock (`pg_try_advisory_lock`) on one pooled connection for its
 * whole length, and an instance that does not get it skips the slot (the holder is running it).
 * Should the holder die, its connection closes and PostgreSQL releases the lock. An advisory lock
 * rather than a lease row: nothing to expire or clean up, and no clock shared between instances.
 * On SQLite the database belongs to one server process: an in-process guard is enough. Either
 * way, a second run in the same process while one is going is skipped.
 */
import { sql } from 'kysely';
import type { SqlDatabase } from '../../kernel/adapters/sql/sql-database.js';

/** Advisory lock keys: one per kind of scheduled work (any fixed bigint, distinct from the audit tree's). */
export const BACKUP_RUN_LOCK = 7_263_551_902;
export const DRILL_RUN_LOCK = 7_263_551_903;

/** What {@link RunLock.run} did: ran `work` (with its value), or skipped it because another run holds the lock. */
export type LockedRun<T> = { readonly ran: true; readonly value: T } | { readonly ran: false };

export class RunLock {
  readonly #database: SqlDatabase;
  readonly #key: number;
  #busy = false;

  constructor(database: SqlDatabase, key: number) {
    this.#database = database;
    this.#key = key;
  }

  /** Runs `work` when no other run (here or, on PostgreSQL, on another instance) holds the lock. */
  async run<T>(work: () => Promise<T>): Promise<LockedRun<T>> {
    if (this.#busy) return { ran: false };
    this.#busy = true;
    try {
      if (this.#database.dialect !== 'postgres') return { ran: true, value: await work() };
      return await this.#database.db.connection().execute(async (connection): Promise<LockedRun<T>> => {
        const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${this.#key}) as locked`.execute(connection);
        if (rows[0]?.locked !== true) return { ran: false };
        try {
          return { ran: true, value: await work() };
        } finally {
          await sql`select pg_advisory_unlock(${this.#key})`.execute(connection).catch(() => undefined);
        }
      });
    } finally {
      this.#busy = false;
    }
  }
}
