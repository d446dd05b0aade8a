/**
 * The PostgreSQL integrator: of all the instances writing the audit log, exactly one — the holder
 * of a session-level advisory lock (`pg_try_advisory_lock`) — moves queued entries from
 * `audit_pending` into `audit_entries` with the next indices, in `seq` order, and appends them to
 * the tree, in one transaction per step, on the very connection that holds the lock. If that
 * instance dies its connection closes, PostgreSQL releases the lock, and the next instance to try
 * (every `pollMs`) takes over, reloading the frontier from the stored subtrees — the Trillian
 * sequencer's design.
 */
import { sql, type Kysely } from 'kysely';
import type { CompactRange } from '../crypto/merkle.js';
import { appendToTree } from './audit-tree-append.js';
import { onlyEntryColumns } from './audit-rows.js';
import type { AuditEntryTable } from './audit-tables.js';
import type { RampartDatabase, RampartKysely } from '../../kernel/adapters/sql/schema.js';

/** The advisory lock key of the audit integrator ("RAMPAUDT" read as ASCII would overflow; any fixed bigint will do). */
export const AUDIT_INTEGRATOR_LOCK = 7_263_551_901;
const STEP_ROWS = 2000;

export interface AuditIntegratorOptions {
  /** How often a follower tries to take over and the leader looks for other instances' entries. */
  readonly pollMs: number;
  readonly onError: (error: unknown) => void;
  /** Called with the entries integrated, after their transaction committed. */
  readonly onIntegrated?: (rows: readonly AuditEntryTable[]) => void;
  /** Called after each step that made the tree grow, once committed (the checkpoint scheduler). */
  readonly onCommitted?: () => void;
}

export class PgAuditIntegrator {
  readonly #db: RampartKysely;
  readonly #options: AuditIntegratorOptions;
  #leader: Kysely<RampartDatabase> | undefined;
  #resign: (() => void) | undefined;
  #session: Promise<void> | undefined;
  #frontier: CompactRange | undefined;
  #running: Promise<boolean> = Promise.resolve(false);
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(db: RampartKysely, options: AuditIntegratorOptions) {
    this.#db = db;
    this.#options = Object.freeze({ ...options });
  }

  /** Starts trying to lead, and integrating while leading, every `pollMs`. */
  start(): void {
    this.#timer = setInterval(() => void this.integrate().catch(this.#options.onError), this.#options.pollMs);
    this.#timer.unref();
  }

  /** Whether this instance holds the integrator lock now. */
  get leading(): boolean {
    return this.#leader !== undefined;
  }

  /**
   * Tries to take the lead if nobody holds it, then, when leading, integrates every queued entry.
   * Resolves whether this instance led. Calls are serialised.
   */
  integrate(): Promise<boolean> {
    const run = this.#running.then(async () => {
      if (this.#stopped) return false;
      if (this.#leader === undefined && !(await this.#acquire())) return false;
      try {
        while (await this.#step()) {
          /* another step: more entries were queued */
        }
      } catch (error) {
        // The lock's connection may be gone: resign, so that leadership is retaken on a live one.
        this.#release();
        throw error;
      }
      return true;
    });
    this.#running = run.catch(() => false);
    return run;
  }

  /** Integrates one step of queued entries; resolves whether there were any. */
  async #step(): Promise<boolean> {
    const leader = this.#leader;
    if (leader === undefined) return false;
    let integrated: AuditEntryTable[] = [];
    const stepped = await leader.transaction().execute(async (trx) => {
      const pending = await trx.selectFrom('audit_pending').selectAll().orderBy('seq').limit(STEP_ROWS).execute();
      if (pending.length === 0) return false;
      const appended = await appendToTree(trx, this.#frontier, pending.map(onlyEntryColumns), 'postgres');
      this.#frontier = appended.frontier;
      integrated = appended.entries;
      await trx
        .deleteFrom('audit_pending')
        .where(
          'seq',
          'in',
          pending.map((row) => row.seq),
        )
        .execute();
      return true;
    });
    if (stepped) {
      try {
        this.#options.onCommitted?.();
        this.#options.onIntegrated?.(integrated);
      } catch (error) {
        this.#options.onError(error);
      }
    }
    return stepped;
  }

  /** Holds one pooled connection for as long as this instance leads; resolves whether it got the lock. */
  #acquire(): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      this.#session = this.#db
        .connection()
        .execute(async (connection) => {
          const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${AUDIT_INTEGRATOR_LOCK}) as locked`.execute(
            connection,
          );
          if (rows[0]?.locked !== true) return resolve(false);
          const resigned = new Promise<void>((done) => (this.#resign = done));
          this.#leader = connection;
          this.#frontier = undefined; // another integrator may have appended since: reload
          resolve(true);
          await resigned;
          await sql`select pg_advisory_unlock(${AUDIT_INTEGRATOR_LOCK})`.execute(connection).catch(() => undefined);
        })
        .catch((error: unknown) => {
          this.#leader = undefined;
          this.#options.onError(error);
          resolve(false);
        });
    });
  }

  #release(): void {
    this.#leader = undefined;
    this.#frontier = undefined;
    this.#resign?.();
    this.#resign = undefined;
  }

  /** Integrates what is queued (when leading), then gives the lock up and stops. */
  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.integrate().catch(this.#options.onError);
    this.#stopped = true;
    await this.#running;
    this.#release();
    await this.#session;
  }
}
