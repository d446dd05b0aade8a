/**
 * The tamper-evident {@link AuditLog} on the shared database, with group commit: `record` queues
 * the event, and the queue is written in one transaction when it holds `maxBatch` events or
 * `maxDelayMs` after the first one arrived — and, while a batch is being written, the next one
 * gathers, so under load every commit carries many events. A caller's promise settles only with
 * its batch: resolved once the transaction committed (SQLite `synchronous=FULL`, PostgreSQL's
 * default `synchronous_commit=on`), rejected with `audit_unavailable` when it could not be.
 *
 * Sequencing: on SQLite the batch is integrated at once — indices, leaves and subtree hashes are
 * written in the batch's own transaction. On PostgreSQL, where several instances write at once,
 * the batch goes to `audit_pending`, and the one elected {@link PgAuditIntegrator} gives the
 * entries their indices (see there).
 */
import type { CompactRange } from '../../crypto/merkle.js';
import { CanonicalJsonError } from '../../crypto/canonical-json.js';
import { auditEventSecretProblem } from '../../domain/audit-entry.js';
import { DomainError } from '../../domain/errors.js';
import type { AuditEvent, AuditLog } from '../../ports/audit-log.js';
import type { Clock } from '../../ports/clock.js';
import { PgAuditIntegrator } from './audit-integrator.js';
import { entryColumns } from './audit-rows.js';
import type { AuditEntryColumns } from './audit-schema.js';
import { appendToTree, integratedSize } from './audit-tree-append.js';
import type { SqlDatabase } from './sql-database.js';

export interface SqlAuditLogOptions {
  readonly clock: Clock;
  /** Events per transaction at most. Default 512. */
  readonly maxBatch?: number;
  /** How long the first event of a batch waits for company, in ms. Default 2. */
  readonly maxDelayMs?: number;
  /** PostgreSQL: how often the integrator election and integration run, in ms. Default 250. */
  readonly integratePollMs?: number;
  /** Write and integration failures, for the operator's log (callers get `audit_unavailable`). */
  readonly onError?: (error: unknown) => void;
}

interface Queued {
  readonly columns: AuditEntryColumns;
  resolve(): void;
  reject(error: unknown): void;
}

/** Counters that make group commit observable: how many transactions wrote how many events. */
export interface AuditLogStats {
  readonly transactions: number;
  readonly events: number;
}

export class SqlAuditLog implements AuditLog {
  readonly #database: SqlDatabase;
  readonly #clock: Clock;
  readonly #maxBatch: number;
  readonly #maxDelayMs: number;
  readonly #onError: (error: unknown) => void;
  readonly #integrator: PgAuditIntegrator | undefined;
  #queue: Queued[] = [];
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #frontier: CompactRange | undefined;
  #closed = false;
  #transactions = 0;
  #events = 0;

  constructor(database: SqlDatabase, options: SqlAuditLogOptions) {
    this.#database = database;
    this.#clock = options.clock;
    this.#maxBatch = options.maxBatch ?? 512;
    this.#maxDelayMs = options.maxDelayMs ?? 2;
    if (!Number.isSafeInteger(this.#maxBatch) || this.#maxBatch < 1) throw new RangeError('maxBatch must be a positive integer');
    this.#onError = options.onError ?? (() => undefined);
    if (database.dialect === 'postgres') {
      this.#integrator = new PgAuditIntegrator(database.db, { pollMs: options.integratePollMs ?? 250, onError: this.#onError });
      this.#integrator.start();
    }
  }

  record(event: AuditEvent): Promise<void> {
    if (this.#closed) return Promise.reject(new DomainError('audit_unavailable', 'The audit log is closed'));
    // Refused, not redacted: an entry is permanent, and a secret in it is the caller's bug.
    const problem = auditEventSecretProblem(event);
    if (problem !== undefined) return Promise.reject(new DomainError('internal_error', `Audit event refused: ${problem}`));
    let columns: AuditEntryColumns;
    try {
      columns = entryColumns(event, this.#clock.now());
    } catch (error) {
      if (!(error instanceof CanonicalJsonError)) throw error;
      return Promise.reject(new DomainError('internal_error', 'Audit event refused: details are not JSON', { cause: error }));
    }
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ columns, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#writing !== undefined) return; // the running writer takes it with the next batch
    if (this.#queue.length >= this.#maxBatch) {
      this.#writing = this.#drain();
    } else {
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        this.#writing ??= this.#drain();
      }, this.#maxDelayMs);
    }
  }

  /** Writes batches until the queue is empty; each batch's callers settle with its transaction. */
  async #drain(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.#maxBatch);
        try {
          await this.#write(batch.map((item) => item.columns));
          this.#transactions += 1;
          this.#events += batch.length;
          for (const item of batch) item.resolve();
        } catch (error) {
          this.#onError(error);
          const failure = new DomainError('audit_unavailable', 'The audit log cannot be written', { cause: error });
          for (const item of batch) item.reject(failure);
        }
      }
    } finally {
      this.#writing = undefined;
    }
  }

  async #write(rows: readonly AuditEntryColumns[]): Promise<void> {
    const { db } = this.#database;
    if (this.#integrator === undefined) {
      this.#frontier = await db.transaction().execute((trx) => appendToTree(trx, this.#frontier, rows));
      return;
    }
    // One statement: atomic, and durable when it returns.
    await db
      .insertInto('audit_pending')
      .values([...rows])
      .execute();
    if (this.#integrator.leading) void this.#integrator.integrate().catch(this.#onError);
  }

  /** Resolves once every event recorded so far has been written (or refused). */
  async flush(): Promise<void> {
    if (this.#queue.length > 0) this.#writing ??= this.#drain();
    while (this.#writing !== undefined) await this.#writing;
  }

  /**
   * Integrates what is queued now. SQLite integrates with every batch: the tree size. PostgreSQL:
   * takes the integrator lock if it is free and integrates every pending entry; the tree size
   * when this instance leads, or undefined when another instance does.
   */
  async integrate(): Promise<number | undefined> {
    await this.flush();
    if (this.#integrator !== undefined && !(await this.#integrator.integrate())) return undefined;
    return integratedSize(this.#database.db);
  }

  /** Whether this instance is the integrator (always on SQLite). */
  get integrating(): boolean {
    return this.#integrator === undefined || this.#integrator.leading;
  }

  stats(): AuditLogStats {
    return { transactions: this.#transactions, events: this.#events };
  }

  /** Writes what is queued, hands the integrator lock over, and refuses new events. The database stays open. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.flush();
    await this.#integrator?.stop();
  }
}
