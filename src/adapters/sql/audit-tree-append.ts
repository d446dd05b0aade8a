/**
 * Integration: entries given their indices and appended to the Merkle tree, inside the caller's
 * transaction. The next index is read from the table in that same transaction (never trusted
 * from memory), so a stale in-memory frontier — another process wrote, or a former integrator did
 * — is reloaded from the stored subtrees instead of forking the tree; the primary key on
 * `leaf_index` makes a duplicate index fail the transaction rather than the log.
 */
import type { Transaction } from 'kysely';
import { auditLeafHash } from '../../crypto/audit-leaf.js';
import { CompactRange, type SubtreeHash, type SubtreeSource } from '../../crypto/merkle.js';
import { fromBase64, rowLeaf, toBase64 } from './audit-rows.js';
import type { AuditEntryColumns, AuditEntryTable } from './audit-schema.js';
import type { RampartDatabase, RampartKysely } from './schema.js';

// PostgreSQL allows 65,535 bound parameters per statement, SQLite 32,766: 19 columns × 500 rows.
const ROWS_PER_INSERT = 500;

/** The stored subtree hashes read through `db` (a transaction or the pool). */
export function subtreeSource(db: RampartKysely | Transaction<RampartDatabase>): SubtreeSource {
  return {
    async subtree(start, size) {
      const row = await db
        .selectFrom('audit_subtrees')
        .select('hash')
        .where('start', '=', start)
        .where('size', '=', size)
        .executeTakeFirst();
      return row === undefined ? new Uint8Array(0) : fromBase64(row.hash);
    },
  };
}

/** The number of integrated entries, read in `db`'s transaction. */
export async function integratedSize(db: RampartKysely | Transaction<RampartDatabase>): Promise<number> {
  const row = await db
    .selectFrom('audit_entries')
    .select((eb) => eb.fn.max('leaf_index').as('last'))
    .executeTakeFirst();
  return row?.last === null || row?.last === undefined ? 0 : Number(row.last) + 1;
}

/**
 * Appends `rows` as the next leaves, in order, within `trx`; returns the new frontier (the one
 * given is not changed, so a rolled-back transaction leaves it valid) and the rows written.
 */
export async function appendToTree(
  trx: Transaction<RampartDatabase>,
  frontier: CompactRange | undefined,
  rows: readonly AuditEntryColumns[],
): Promise<{ frontier: CompactRange; entries: AuditEntryTable[] }> {
  const size = await integratedSize(trx);
  const next =
    frontier !== undefined && frontier.size === size
      ? CompactRange.fromPeaks(size, frontier.peaks())
      : await CompactRange.fromSource(size, subtreeSource(trx));
  const entries: AuditEntryTable[] = [];
  const subtrees: SubtreeHash[] = [];
  for (const [i, row] of rows.entries()) {
    const leaf = rowLeaf(row, size + i);
    const hash = auditLeafHash(leaf);
    subtrees.push(...next.append(hash));
    entries.push({ ...row, leaf_index: size + i, leaf, leaf_hash: toBase64(hash), payload: null });
  }
  for (let i = 0; i < entries.length; i += ROWS_PER_INSERT) {
    await trx
      .insertInto('audit_entries')
      .values(entries.slice(i, i + ROWS_PER_INSERT))
      .execute();
  }
  const subtreeRows = subtrees.map((s) => ({ start: s.start, size: s.size, hash: toBase64(s.hash) }));
  for (let i = 0; i < subtreeRows.length; i += ROWS_PER_INSERT * 4) {
    await trx
      .insertInto('audit_subtrees')
      .values(subtreeRows.slice(i, i + ROWS_PER_INSERT * 4))
      .execute();
  }
  return { frontier: next, entries };
}
