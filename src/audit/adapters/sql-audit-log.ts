/**
 * The tamper-evident {@link AuditLog} on the shared database, with group commit: `record` queues
 * the event, and the queue is written in one transaction when it holds `maxBatch` events or
 * `maxDelayMs` after the first one arrived — and, while a batch is being written, the next one
 * gathers, so under load every commit carries many events. A caller's promise settles only with
 * its batch: resolved once the transaction committed (SQLite `synchronous=FULL`, PostgreSQL's
 * default `synchronous_commit=on`), rejected with `audit_unavailable` when it could not be.
 *
 * Sequencing: the batch is integrated in its own transaction — indices, leaves and subtree hashes
 * are written with the entries, so a resolved caller's entry is already in the tree. On SQLite
 * through prepared statements (`SqliteAuditStatements`), under `BEGIN IMMEDIATE`; on PostgreSQL,
 * where several instances write at once, under the tree's advisory lock (`pg-audit-tree-lock.ts`),
 * taken after the batch is sealed so that it is held only for the inserts and the commit.
 */
import { randomKey } from '../../kernel/crypto/random.js';
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
import { hasPending, integratePending, lockTree } from './pg-audit-tree-lock.js';
import { entryColumns, rowLeafParts } from './audit-rows.js';
import type { AuditEntryColumns, AuditEntryTable } from './audit-tables.js';
import { appendToTree, integratedSize } from './audit-tree-append.js';
import { SqliteAuditStatements, type AppendRow } from './sql-audit-sqlite.js';
import { SqlAuditSubjects } from './sql-audit-subjects.js';
import type { SqlDatabase } from '../../kernel/adapters/sql/sql-database.js';

export interface SqlAuditLogOptions {
  readonly clock: Clock;
  /** Events per transaction at most. Default 2048 (fewer commits under load; an idle log still commits after `maxDelayMs`). */
  readonly maxBatch?: number;
  /** How long the first event of a batch waits for company, in ms. Default 2. */
  readonly maxDelayMs?: number;
  /**
   * PostgreSQL: how often entries an instance of an earlier version queued in `audit_pending` are
   * looked for and integrated, in ms. Default 1000.
   */
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
}

/** The events of one transaction and the one promise all their callers share: settled with its commit. */
interface Batch {
  readonly items: Queued[];
  readonly settled: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

function newBatch(): Batch {
  let resolve: () => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const settled = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { items: [], settled, resolve, reject };
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
  readonly #pendingPoll: NodeJS.Timeout | undefined;
  #pendingRun: Promise<void> = Promise.resolve();
  /** Batches not yet taken by a writer, oldest first; records join the last one until it is full. */
  #queue: Batch[] = [];
  /** Transactions written at once: 2 on PostgreSQL (one seals while the other holds the tree lock), 1 on SQLite (synchronous). */
  readonly #writers: number;
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
    this.#maxBatch = options.maxBatch ?? 2048;
    this.#writers = database.dialect === 'postgres' ? 2 : 1;
    this.#maxDelayMs = options.maxDelayMs ?? 2;
    if (!Number.isSafeInteger(this.#maxBatch) || this.#maxBatch < 1) throw new RangeError('maxBatch must be a positive integer');
    this.#onError = options.onError ?? (() => undefined);
    this.#subjects = options.subjectKeyWrap === undefined ? undefined : new SqlAuditSubjects(options.subjectKeyWrap);
    this.#onIntegrated = options.onIntegrated;
    this.#onCommitted = options.onCommitted;
    if (database.dialect === 'postgres') {
      this.#pendingPoll = setInterval(() => void this.#integratePending().catch(this.#onError), options.integratePollMs ?? 1000);
      this.#pendingPoll.unref();
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
    let batch = this.#queue.at(-1);
    if (batch === undefined || batch.items.length >= this.#maxBatch) {
      batch = newBatch();
      this.#queue.push(batch);
    }
    batch.items.push({ columns, taken });
    this.#schedule();
    return batch.settled;
  }

  #refused(cause: unknown): DomainError {
    this.#onError(cause);
    return refusedEvent(cause);
  }

  #schedule(): void {
    if (this.#writing !== undefined) return; // the running writer takes it with the next batch
    if ((this.#queue[0]?.items.length ?? 0) >= this.#maxBatch) {
      this.#writing = this.#drain();
    } else {
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        this.#writing ??= this.#drain();
      }, this.#maxDelayMs);
    }
  }

  /**
   * Writes batches until the queue is empty, up to `#writers` transactions at once; each batch's
   * callers settle with its transaction.
   */
  async #drain(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const running = new Set<Promise<void>>();
    try {
      while (this.#queue.length > 0 || running.size > 0) {
        const batch = running.size < this.#writers ? this.#queue.shift() : undefined;
        if (batch === undefined) {
          await Promise.race(running);
          continue;
        }
        const commit: Promise<void> = this.#commit(batch).finally(() => running.delete(commit));
        running.add(commit);
        if (this.#writers > 1) continue;
        await commit;
        // SQLite commits synchronously: yield to the event loop between batches, or a sustained
        // load would starve timers (the checkpoint scheduler) and every other request.
        if (this.#queue.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      this.#writing = undefined;
    }
  }

  /** Writes one batch; its callers' shared promise resolves once committed, rejects when it could not be. Never throws. */
  async #commit(batch: Batch): Promise<void> {
    try {
      await this.#write(batch.items);
      this.#transactions += 1;
      this.#events += batch.items.length;
      batch.resolve();
    } catch (error) {
      this.#onError(error);
      batch.reject(new DomainError('audit_unavailable', 'The audit log cannot be written', { cause: error }));
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
    if (this.#database.dialect === 'sqlite' && this.#database.sqlite !== undefined) {
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
    // One transaction: the subjects' new keys, then — under the tree lock on PostgreSQL — the
    // entries at the next indices and their subtrees; atomic and durable when it commits.
    const postgres = this.#database.dialect === 'postgres';
    const appended = await db.transaction().execute(async (trx) => {
      const wanted = this.#subjectsOf(batch);
      const keys =
        this.#subjects === undefined || wanted.length === 0
          ? new Map<string, Buffer>()
          : await this.#subjects.keysCreating(trx, wanted, this.#clock.now());
      const rows = this.#sealed(batch, keys);
      // Spelled before the lock: under it, each leaf only gets its index and its hash.
      const parts = rows.map((row) => rowLeafParts(row.columns, row.personal));
      if (postgres) await lockTree(trx);
      return appendToTree(
        trx,
        () => this.#frontier,
        rows.map((row) => row.columns),
        this.#database.dialect,
        parts,
      );
    });
    this.#frontier = appended.frontier;
    this.#notify(appended.entries);
  }

  /**
   * PostgreSQL: integrates what instances of earlier versions left in `audit_pending`, step by
   * step; calls are serialised. A no-op (one indexed read) when nothing is queued there.
   */
  #integratePending(): Promise<void> {
    const run = this.#pendingRun.then(async () => {
      if (this.#database.dialect !== 'postgres' || !(await hasPending(this.#database.db))) return;
      for (;;) {
        const appended = await integratePending(this.#database.db, () => this.#frontier);
        if (appended === undefined) return;
        this.#frontier = appended.frontier;
        this.#notify(appended.entries);
      }
    });
    this.#pendingRun = run.catch(() => undefined);
    return run;
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
   * Writes what is queued now (every batch is integrated as it commits) and, on PostgreSQL, what
   * an earlier version left in `audit_pending`; resolves with the tree size.
   */
  async integrate(): Promise<number> {
    await this.flush();
    await this.#integratePending();
    return integratedSize(this.#database.db);
  }

  stats(): AuditLogStats {
    return { transactions: this.#transactions, events: this.#events };
  }

  /** Writes what is queued and refuses new events. The database stays open. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#pendingPoll !== undefined) clearInterval(this.#pendingPoll);
    await this.flush();
    await this.#pendingRun;
  }
}
