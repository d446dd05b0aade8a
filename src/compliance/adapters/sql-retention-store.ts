/**
 * Retention on SQL: counts and deletes the rows of one rule ({@link RetentionRule}) that ended
 * before a cut-off, in bounded batches — each batch its own short transaction, so that a large
 * backlog never holds a lock for long nor grows one transaction without bound. Deletion is by the
 * row's physical id (SQLite `rowid`, PostgreSQL `ctid`) selected with the rule's condition and a
 * limit, so it works on every table whatever its key. Crosses orgs by design (retention is
 * deployment-wide): each batch runs in a system transaction. Table and column names come from the
 * capabilities' declarations, never from input, and are checked as plain identifiers all the same.
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { withSystem } from '../../kernel/adapters/sql/rls-scope.js';
import type { SqlDatabase } from '../../kernel/adapters/sql/sql-database.js';
import type { RetentionRule } from '../../kernel/part.js';

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Rows deleted per batch. */
export const PURGE_BATCH = 500;

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`not a plain identifier: ${name}`);
  return name;
}

/** The rule's condition: some `ended` column set and before `cutoff` (and, with `only`, one of its values). */
function endedBefore(rule: RetentionRule, cutoff: number): RawBuilder<SqlBool> {
  const ended = rule.ended.map((column) => sql`(${sql.ref(identifier(column))} is not null and ${sql.ref(column)} < ${cutoff})`);
  const any = sql<SqlBool>`(${sql.join(ended, sql` or `)})`;
  if (rule.only === undefined) return any;
  return sql<SqlBool>`${any} and ${sql.ref(identifier(rule.only.column))} in (${sql.join([...rule.only.values])})`;
}

export class SqlRetentionStore {
  readonly #database: SqlDatabase;

  constructor(database: SqlDatabase) {
    this.#database = database;
  }

  /** How many rows of `rule` ended before `cutoff`. */
  async count(rule: RetentionRule, cutoff: number): Promise<number> {
    const table = sql.table(identifier(rule.table));
    // A system transaction: retention spans every org's rows.
    const { rows } = await withSystem(this.#database.db, (trx) =>
      sql<{ n: number | string }>`select count(*) as n from ${table} where ${endedBefore(rule, cutoff)}`.execute(trx),
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Deletes the rows of `rule` that ended before `cutoff`, {@link PURGE_BATCH} at a time; returns how many. */
  async purge(rule: RetentionRule, cutoff: number, batch = PURGE_BATCH): Promise<number> {
    const table = sql.table(identifier(rule.table));
    const id = sql.raw(this.#database.dialect === 'postgres' ? 'ctid' : 'rowid');
    let total = 0;
    for (;;) {
      // A system transaction: retention spans every org's rows.
      const deleted = await withSystem(this.#database.db, async (trx) => {
        const result =
          await sql`delete from ${table} where ${id} in (select ${id} from ${table} where ${endedBefore(rule, cutoff)} limit ${batch})`.execute(
            trx,
          );
        return Number(result.numAffectedRows ?? 0n);
      });
      total += deleted;
      if (deleted < batch) return total;
    }
  }
}
