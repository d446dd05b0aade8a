/**
 * The facts of a snapshot (ports/database-snapshot.ts), read with plain SQL from inside the
 * snapshot: a query function of the snapshot's own connection or transaction. Table names come
 * from the catalogue and are checked before they are quoted into a count.
 */
import type { SnapshotFacts } from '../ports/database-snapshot.js';

/** Runs one constant query (no parameters) on the snapshot's connection. */
export type Query = (text: string) => Promise<readonly Record<string, unknown>[]>;

const TABLE = /^[a-z_][a-z0-9_]{0,62}$/;

/** Counts the rows of each of `tables` and reads the schema version, latest checkpoint and canary. */
export async function readFacts(query: Query, tables: readonly string[]): Promise<SnapshotFacts> {
  const counts: Record<string, number> = {};
  for (const table of [...tables].sort()) {
    if (!TABLE.test(table)) throw new Error(`unexpected table name in the catalogue: ${JSON.stringify(table)}`);
    const [row] = await query(`select count(*) as n from "${table}"`);
    counts[table] = Number(row?.n ?? 0);
  }
  const has = (table: string): boolean => tables.includes(table);
  const [migration] = has('kysely_migration') ? await query('select name from kysely_migration order by name desc limit 1') : [];
  const [checkpoint] = has('audit_checkpoints') ? await query('select size, note from audit_checkpoints order by size desc limit 1') : [];
  const [canary] = has('backup_canary') ? await query("select user_id from backup_canary where id = 'canary'") : [];
  return {
    tables: counts,
    schemaVersion: typeof migration?.name === 'string' ? migration.name : '',
    checkpoint: checkpoint === undefined ? null : { note: String(checkpoint.note), size: Number(checkpoint.size) },
    canaryUserId: typeof canary?.user_id === 'string' ? canary.user_id : null,
  };
}
