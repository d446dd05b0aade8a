/**
 * One tree across PostgreSQL instances: every transaction that appends to the audit tree first
 * takes a transaction-level advisory lock (`pg_advisory_xact_lock`), so appenders from any number
 * of instances take turns — each reads the next index after the lock is granted, in a statement of
 * its own (so its snapshot sees every earlier appender's commit), and PostgreSQL releases the lock
 * when the transaction commits or rolls back, including when its session dies. The key is the one
 * the elected integrator of earlier versions held for its whole session: during a rolling upgrade
 * an old leader keeps new appenders waiting (up to {@link TREE_LOCK_TIMEOUT}, then their batch is
 * refused, fail-closed) instead of appending beside it.
 *
 * Earlier versions queued entries in `audit_pending` for that integrator; {@link integratePending}
 * appends what is left there, in `seq` order, under the same lock.
 */
import { sql, type Transaction } from 'kysely';
import type { CompactRange } from '../crypto/merkle.js';
import { onlyEntryColumns } from './audit-rows.js';
import type { AuditEntryTable } from './audit-tables.js';
import { appendToTree } from './audit-tree-append.js';
import type { RampartDatabase, RampartKysely } from '../../kernel/adapters/sql/schema.js';

/** The advisory lock key of the audit tree (the integrator lock of earlier versions). */
export const AUDIT_TREE_LOCK = 7_263_551_901;
/** How long an appender waits for the tree lock before its batch fails. */
export const TREE_LOCK_TIMEOUT = '5s';
const PENDING_STEP = 2000;

/** Takes the tree lock for the rest of `trx` (waiting at most {@link TREE_LOCK_TIMEOUT}). */
export async function lockTree(trx: Transaction<RampartDatabase>): Promise<void> {
  // One round trip: set_config(…, true) is local to the transaction, and the select list is evaluated in order.
  await sql`select set_config('lock_timeout', ${TREE_LOCK_TIMEOUT}, true), pg_advisory_xact_lock(${AUDIT_TREE_LOCK})`.execute(trx);
}

/** Whether entries queued by an earlier version wait in `audit_pending` (no lock taken). */
export async function hasPending(db: RampartKysely): Promise<boolean> {
  return (await db.selectFrom('audit_pending').select('seq').limit(1).executeTakeFirst()) !== undefined;
}

/**
 * Appends up to 2000 entries queued in `audit_pending`, in `seq` order, under the tree lock, and
 * deletes them in the same transaction. Resolves with the new frontier and the entries written,
 * or undefined when nothing was queued.
 */
export async function integratePending(
  db: RampartKysely,
  frontier: () => CompactRange | undefined,
): Promise<{ frontier: CompactRange; entries: AuditEntryTable[] } | undefined> {
  return db.transaction().execute(async (trx) => {
    await lockTree(trx);
    const pending = await trx
      .deleteFrom('audit_pending')
      .where('seq', 'in', (eb) => eb.selectFrom('audit_pending').select('seq').orderBy('seq').limit(PENDING_STEP))
      .returningAll()
      .execute();
    if (pending.length === 0) return undefined;
    pending.sort((a, b) => Number(a.seq) - Number(b.seq));
    return appendToTree(trx, frontier, pending.map(onlyEntryColumns), 'postgres');
  });
}
