/**
 * Instance liveness on the database (ports/instance-liveness.ts).
 *
 * PostgreSQL: each instance holds a session-level advisory lock `(JOBS_LOCK_CLASS,
 * hashtext(instance id))` on one pooled connection for as long as it runs; PostgreSQL releases it
 * when that session ends, the process dying included. A peer is gone when its lock can be taken
 * (`pg_try_advisory_lock`, released at once). A hash collision can only make a dead peer look
 * alive (its jobs are then interrupted later, at the next check), never a live one look dead.
 *
 * SQLite: the database has one writer, and one instance uses it (the embedded default); any other
 * instance id found on a running job is a previous start of this deployment, so it is gone.
 */
import { sql } from 'kysely';
import type { SqlDialectName } from '../../kernel/adapters/sql/sql-database.js';
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import type { InstanceLiveness } from '../ports/instance-liveness.js';

/** The advisory lock class of job instances (any fixed int4 distinct from Rampart's other locks' keys). */
const JOBS_LOCK_CLASS = 0x4a4f4253; // "JOBS"

export class SqlInstanceLiveness implements InstanceLiveness {
  readonly #db: RampartKysely;
  readonly #dialect: SqlDialectName;
  readonly #instanceId: string;
  readonly #onError: (error: unknown) => void;
  #release: (() => void) | undefined;
  #session: Promise<void> | undefined;

  constructor(db: RampartKysely, dialect: SqlDialectName, instanceId: string, onError: (error: unknown) => void) {
    this.#db = db;
    this.#dialect = dialect;
    this.#instanceId = instanceId;
    this.#onError = onError;
  }

  start(): Promise<void> {
    if (this.#dialect !== 'postgres') return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#session = this.#db
        .connection()
        .execute(async (connection) => {
          await sql`select pg_advisory_lock(${JOBS_LOCK_CLASS}, hashtext(${this.#instanceId}))`.execute(connection);
          const released = new Promise<void>((done) => (this.#release = done));
          resolve();
          await released;
          await sql`select pg_advisory_unlock(${JOBS_LOCK_CLASS}, hashtext(${this.#instanceId}))`
            .execute(connection)
            .catch(() => undefined);
        })
        .catch((error: unknown) => {
          this.#onError(error);
          reject(error instanceof Error ? error : new Error('the jobs instance lock could not be taken'));
        });
    });
  }

  async isGone(instanceId: string): Promise<boolean> {
    if (instanceId === this.#instanceId) return false;
    if (this.#dialect !== 'postgres') return true;
    return this.#db.connection().execute(async (connection) => {
      const { rows } = await sql<{
        taken: boolean;
      }>`select pg_try_advisory_lock(${JOBS_LOCK_CLASS}, hashtext(${instanceId})) as taken`.execute(connection);
      if (rows[0]?.taken !== true) return false;
      await sql`select pg_advisory_unlock(${JOBS_LOCK_CLASS}, hashtext(${instanceId}))`.execute(connection);
      return true;
    });
  }

  async close(): Promise<void> {
    this.#release?.();
    this.#release = undefined;
    await this.#session?.catch(() => undefined);
  }
}
