/**
 * The tamper-evident {@link AuditLog} on the shared database, with group commit: `record` queues
 * the event, and the queue is written in one transaction when it holds `maxBatch` events or
 * `maxDelayMs` after the first one arrived — and, while a batch is being written, the next one
 * gathers, so under load every commit carries many events. A caller's promise settles only with
 * its batch: resolved once the transaction committed (SQLite `synchronous=FULL`, PostgreSQL's
 * default `synchronous_commit=on`), rejected with `audit_unavailable` when it could not be.
 *
 * Sequencing: on SQLite the batch is integrated at once — indices, leaves and subtree hashes are
 * written in the batch's own transaction, through prepared statements (`SqliteAuditStatements`). On PostgreSQL, where several instances write at once,
 * the batch goes to `audit_pending`, and the one elected {@link PgAuditIntegrator} gives the
 * entries their indices (see there).
 */
import { randomKey } from '../../kernel/crypto/random.js';
import type { Transaction } from 'kysely';
import {
  commitPersonal,
  NONCE_SIZE,
  personalRefText,
  SALT_SIZE,
  sealSplit,
  takePersonal,
  type TakenPersonal,
} from '../crypto/audit-personal.js';
import { CanonicalJsonError } from '../../kernel/crypto/canonical-json.js';
import type { CompactRange } from '../crypto/merkle.js';
import { auditEntryText, auditEventSecretProblem } from '../../kernel/domain/audit-entry.js';
import { DomainError } from '../../kernel/domain/errors.js';
import type { Secret } from '../../kernel/domain/secret.js';
import type { AuditEvent, AuditLog } from '../../kernel/ports/audit-log.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { PgAuditIntegrator } from './pg-audit-integrator.js';
import { entryColumns } from './audit-rows.js';
import type { AuditEntryColumns, AuditEntryTable } from './audit-tables.js';
import { appendToTree, insertPending, integratedSize } from './audit-tree-append.js';
import type { RampartDatabase } from '../../kernel/adapters/sql/schema.js';
import { SqliteAuditStatements, type AppendRow } from './sql-audit-sqlite.js';
import { SqlAuditSubjects } from './sql-audit-subjects.js';
import type { SqlDatabase } from '../../kernel/adapters/sql/sql-database.js';

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
   * written in format 2: personal fields sealed per subject (`audit/crypto/audit-personal.ts`); without
   * it (tests of the tree, benchmarks of the bare log) in format 1, every field in the leaf.
   */
  readonly subjectKeyWrap?: Secret<Buffer>;
  /** Called with the entries this instance integrated, after their transaction committed (the SIEM sink, `tail`). */
  readonly onIntegrated?: (rows: readonly AuditEntryTable[]) => void;
  /**
   * Called each time this instance made the tree grow, once the entries are durable and
   * integrated (the checkpoint scheduler: a signed checkpoint covers them within the interval).
   * On PostgreSQL that is the elected integrator, for every instance's entries.
   */
  readonly onCommitted?: () => void;
}

/**
 * A refused event: a programmer's error (a secret-named details key, details that are not JSON).
 * The detail a caller may see is generic; what was wrong is in `cause`, for the operator's log.
 */
function refusedEvent(cause: unknown): DomainError {
  return new DomainError('internal_error', 'The audit event was refused', { cause });
}

interface Queued {
  readonly columns: AuditEntryColumns;
  /** The personal fields taken out, sealed with the batch (their salt and nonce drawn with it). */
  readonly taken: TakenPersonal | undefined;
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
  readonly #onCommitted: (() => void) | undefined;
  #sqlite: SqliteAuditStatements | undefined;

  constructor(database: SqlDatabase, options: SqlAuditLogOptions) {
    this.#database = database;
    this.#clock = options.clock;
    this.#maxBatch = options.maxBatch ?? 512;
    this.#maxDelayMs = options.maxDelayMs ?? 2;
    if (!Number.isSafeInteger(this.#maxBatch) || this.#maxBatch < 1) throw new RangeError('maxBatch must be a positive integer');
    this.#onError = options.onError ?? (() => undefined);
    this.#subjects = options.subjectKeyWrap === undefined ? undefined : new SqlAuditSubjects(options.subjectKeyWrap);
    this.#onIntegrated = options.onIntegrated;
    this.#onCommitted = options.onCommitted;
    if (database.dialect === 'postgres') {
      this.#integrator = new PgAuditIntegrator(database.db, {
        pollMs: options.integratePollMs ?? 250,
        onError: this.#onError,
        ...(options.onIntegrated === undefined ? {} : { onIntegrated: options.onIntegrated }),
        ...(options.onCommitted === undefined ? {} : { onCommitted: options.onCommitted }),
      });
      this.#integrator.start();
    }
  }

  record(reported: AuditEvent): Promise<void> {
    if (this.#closed) return Promise.reject(new DomainError('audit_unavailable', 'The audit log is closed'));
    // A secret-named details key is a caller's bug: refused, the path for the operator's log only.
    const problem = auditEventSecretProblem(reported);
    if (problem !== undefined) return Promise.reject(this.#refused(new Error(`audit event refused: ${problem}`)));
    // Untrusted text (a user agent, a name, a reason) is redacted and capped, never a reason to refuse.
    const event = auditEntryText(reported);
    let columns: AuditEntryColumns;
    let taken: TakenPersonal | undefined;
    try {
      if (this.#subjects === undefined) {
        columns = entryColumns(event, this.#clock.now());
      } else {
        taken = takePersonal(event);
        columns = entryColumns(taken?.event ?? event, this.#clock.now());
        columns.subject = taken?.subject ?? columns.subject;
        columns.format = 2;
      }
    } catch (error) {
      if (!(error instanceof CanonicalJsonError)) throw error;
      return Promise.reject(this.#refused(error));
    }
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ columns, taken, resolve, reject });
      this.#schedule();
    });
  }

  #refused(cause: unknown): DomainError {
    this.#onError(cause);
    return refusedEvent(cause);
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
        // SQLite commits synchronously: yield to the event loop between batches, or a sustained
        // load would starve timers (the checkpoint scheduler) and every other request.
        if (this.#queue.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      this.#writing = undefined;
    }
  }

  /**
   * The batch's rows, personal fields committed to and sealed with their subjects' `keys`: one
   * random buffer per batch gives each entry its own salt and nonce (never reused under a key).
   */
  #sealed(batch: readonly Queued[], keys: ReadonlyMap<string, Buffer>): AppendRow[] {
    const count = batch.reduce((n, item) => (item.taken === undefined ? n : n + 1), 0);
    const random = count === 0 ? Buffer.alloc(0) : randomKey(count * (SALT_SIZE + NONCE_SIZE));
    let offset = 0;
    return batch.map((item): AppendRow => {
      const taken = item.taken;
      if (taken === undefined) return { columns: item.columns };
      const key = keys.get(taken.subject);
      if (key === undefined) throw new Error('a subject key could not be created');
      const split = commitPersonal(taken, random.subarray(offset, offset + SALT_SIZE));
      // The queued columns are this batch's alone (a failed batch is refused, never retried): filled in place.
      item.columns.personal = personalRefText(split.personal);
      item.columns.sealed = sealSplit(key, split, random.subarray(offset + SALT_SIZE, offset + SALT_SIZE + NONCE_SIZE));
      offset += SALT_SIZE + NONCE_SIZE;
      return { columns: item.columns, personal: split.personal };
    });
  }

  /** The subjects whose keys seal personal fields of `batch`. */
  #subjectsOf(batch: readonly Queued[]): string[] {
    return batch.flatMap((item) => (item.taken === undefined ? [] : [item.taken.subject]));
  }

  async #write(batch: readonly Queued[]): Promise<void> {
    const { db } = this.#database;
    if (this.#integrator === undefined && this.#database.sqlite !== undefined) {
      // SQLite: prepared statements, one immediate transaction (the subjects' new keys, the entries, their subtrees).
      this.#sqlite ??= new SqliteAuditStatements(this.#database.sqlite);
      const sqlite = this.#sqlite;
      const subjects = this.#subjects;
      const appended = await sqlite.transaction(db, () => {
        const wanted = this.#subjectsOf(batch);
        const keys =
          subjects === undefined || wanted.length === 0
            ? new Map<string, Buffer>()
            : subjects.keysCreatingSync(sqlite, wanted, this.#clock.now());
        return sqlite.append(this.#frontier, this.#sealed(batch, keys), this.#onIntegrated !== undefined);
      });
      this.#frontier = appended.frontier;
      this.#notify(appended.entries);
      return;
    }
    const keysIn = async (trx: Transaction<RampartDatabase>): Promise<Map<string, Buffer>> => {
      const wanted = this.#subjectsOf(batch);
      if (this.#subjects === undefined || wanted.length === 0) return new Map();
      return this.#subjects.keysCreating(trx, wanted, this.#clock.now());
    };
    if (this.#integrator === undefined) {
      let integrated: AuditEntryTable[] = [];
      this.#frontier = await db.transaction().execute(async (trx) => {
        const rows = this.#sealed(batch, await keysIn(trx));
        const appended = await appendToTree(
          trx,
          this.#frontier,
          rows.map((row) => row.columns),
          this.#database.dialect,
        );
        integrated = appended.entries;
        return appended.frontier;
      });
      this.#notify(integrated);
      return;
    }
    // One transaction: the subjects' new keys and the queued entries, atomic and durable when it commits.
    await db.transaction().execute(async (trx) => {
      const rows = this.#sealed(batch, await keysIn(trx));
      await insertPending(
        trx,
        this.#database.dialect,
        rows.map((row) => row.columns),
      );
    });
    if (this.#integrator.leading) void this.#integrator.integrate().catch(this.#onError);
  }

  #notify(rows: readonly AuditEntryTable[]): void {
    this.#committed();
    if (this.#onIntegrated === undefined || rows.length === 0) return;
    try {
      this.#onIntegrated(rows);
    } catch (error) {
      this.#onError(error);
    }
  }

  #committed(): void {
    if (this.#onCommitted === undefined) return;
    try {
      this.#onCommitted();
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
