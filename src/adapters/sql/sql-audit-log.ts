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
import type { Transaction } from 'kysely';
import { personalRefText, sealPersonal, splitPersonal, type SplitEvent } from '../../crypto/audit-personal.js';
import type { Secret } from '../../domain/secret.js';
import type { AuditEntryColumns, AuditEntryTable } from './audit-schema.js';
import { appendToTree, integratedSize } from './audit-tree-append.js';
import type { RampartDatabase } from './schema.js';
import { SqlAuditSubjects } from './sql-audit-subjects.js';
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
  /**
   * The key that wraps the per-subject keys (derived from the master key). With it, entries are
   * written in format 2: personal fields sealed per subject (`crypto/audit-personal.ts`); without
   * it (tests of the tree, benchmarks of the bare log) in format 1, every field in the leaf.
   */
  readonly subjectKeyWrap?: Secret<Buffer>;
  /** Called with the entries this instance integrated, after their transaction committed (the SIEM sink, `tail`). */
  readonly onIntegrated?: (rows: readonly AuditEntryTable[]) => void;
}

interface Queued {
  readonly columns: AuditEntryColumns;
  readonly split: SplitEvent | undefined;
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
  readonly #subjects: SqlAuditSubjects | undefined;
  readonly #onIntegrated: ((rows: readonly AuditEntryTable[]) => void) | undefined;

  constructor(database: SqlDatabase, options: SqlAuditLogOptions) {
    this.#database = database;
    this.#clock = options.clock;
    this.#maxBatch = options.maxBatch ?? 512;
    this.#maxDelayMs = options.maxDelayMs ?? 2;
    if (!Number.isSafeInteger(this.#maxBatch) || this.#maxBatch < 1) throw new RangeError('maxBatch must be a positive integer');
    this.#onError = options.onError ?? (() => undefined);
    this.#subjects = options.subjectKeyWrap === undefined ? undefined : new SqlAuditSubjects(options.subjectKeyWrap);
    this.#onIntegrated = options.onIntegrated;
    if (database.dialect === 'postgres') {
      this.#integrator = new PgAuditIntegrator(database.db, {
        pollMs: options.integratePollMs ?? 250,
        onError: this.#onError,
        ...(options.onIntegrated === undefined ? {} : { onIntegrated: options.onIntegrated }),
      });
      this.#integrator.start();
    }
  }

  record(event: AuditEvent): Promise<void> {
    if (this.#closed) return Promise.reject(new DomainError('audit_unavailable', 'The audit log is closed'));
    // Refused, not redacted: an entry is permanent, and a secret in it is the caller's bug.
    const problem = auditEventSecretProblem(event);
    if (problem !== undefined) return Promise.reject(new DomainError('internal_error', `Audit event refused: ${problem}`));
    let columns: AuditEntryColumns;
    let split: SplitEvent | undefined;
    try {
      if (this.#subjects === undefined) {
        columns = entryColumns(event, this.#clock.now());
      } else {
        split = splitPersonal(event);
        const base = entryColumns(split?.event ?? event, this.#clock.now());
        columns = {
          ...base,
          subject: split?.subject ?? base.subject,
          format: 2,
          personal: split === undefined ? null : personalRefText(split.personal),
        };
      }
    } catch (error) {
      if (!(error instanceof CanonicalJsonError)) throw error;
      return Promise.reject(new DomainError('internal_error', 'Audit event refused: details are not JSON', { cause: error }));
    }
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ columns, split, resolve, reject });
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
          await this.#write(batch);
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

  /** Seals the batch's personal fields with their subjects' keys (created in `trx` when missing). */
  async #sealed(trx: Transaction<RampartDatabase>, batch: readonly Queued[]): Promise<AuditEntryColumns[]> {
    const subjects = this.#subjects;
    const splits = batch.flatMap((item) => (item.split === undefined ? [] : [item.split]));
    if (subjects === undefined || splits.length === 0) return batch.map((item) => item.columns);
    const keys = await subjects.keysCreating(
      trx,
      splits.map((split) => split.subject),
      this.#clock.now(),
    );
    return batch.map((item) => {
      const split = item.split;
      if (split === undefined) return item.columns;
      const key = keys.get(split.subject);
      if (key === undefined) throw new Error('a subject key could not be created');
      return { ...item.columns, sealed: sealPersonal(key, split.personal, split.disclosure) };
    });
  }

  async #write(batch: readonly Queued[]): Promise<void> {
    const { db } = this.#database;
    if (this.#integrator === undefined) {
      let integrated: AuditEntryTable[] = [];
      this.#frontier = await db.transaction().execute(async (trx) => {
        const appended = await appendToTree(trx, this.#frontier, await this.#sealed(trx, batch));
        integrated = appended.entries;
        return appended.frontier;
      });
      this.#notify(integrated);
      return;
    }
    // One transaction: the subjects' new keys and the queued entries, atomic and durable when it commits.
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('audit_pending')
        .values(await this.#sealed(trx, batch))
        .execute();
    });
    if (this.#integrator.leading) void this.#integrator.integrate().catch(this.#onError);
  }

  #notify(rows: readonly AuditEntryTable[]): void {
    if (this.#onIntegrated === undefined || rows.length === 0) return;
    try {
      this.#onIntegrated(rows);
    } catch (error) {
      this.#onError(error);
    }
  }

  /**
   * GDPR Art. 17: erases `subject` from the log — its key destroyed, its sealed values deleted,
   * the payloads of its entries from before migration 0011 dropped — leaving every leaf hash,
   * subtree, proof and checkpoint as it was. Waits for queued events first, so that the entry
   * recording the deletion is erased too.
   */
  async eraseSubject(subject: string): Promise<void> {
    await this.flush();
    const subjects = this.#subjects ?? new SqlAuditSubjects(undefined);
    try {
      await subjects.erase(this.#database.db, subject);
    } catch (error) {
      this.#onError(error);
      throw new DomainError('audit_unavailable', 'The audit log could not erase the subject', { cause: error });
    }
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
