/**
 * The tables that hold rows about a user, discovered from the live schema (SQLite or PostgreSQL):
 * every column named like a reference to a user. The export and erasure tests check each one, so
 * a table added by a later migration cannot be forgotten.
 */
import { sql } from 'kysely';
import { withSystem } from '../../src/kernel/adapters/sql/rls-scope.js';
import type { SqlDatabase } from '../../src/kernel/adapters/sql/sql-database.js';

/** Column names that hold a user id (`subject`: the audit log's person; `actor_id`, `created_by`: who acted). */
export const USER_COLUMNS: readonly string[] = Object.freeze(['user_id', 'subject', 'actor_id', 'created_by']);

export interface UserColumn {
  readonly table: string;
  readonly column: string;
}

/** Every (table, column) of the live schema whose column is one of {@link USER_COLUMNS}. */
export async function userColumns(database: SqlDatabase): Promise<UserColumn[]> {
  const names = [...USER_COLUMNS];
  const rows =
    database.dialect === 'sqlite'
      ? await sql<UserColumn>`select m.name as "table", p.name as "column" from sqlite_master m join pragma_table_info(m.name) p
          where m.type = 'table' and p.name in (${sql.join(names)}) order by m.name, p.name`.execute(database.db)
      : await sql<UserColumn>`select table_name as "table", column_name as "column" from information_schema.columns
          where table_schema = current_schema() and column_name in (${sql.join(names)}) order by table_name, column_name`.execute(
          database.db,
        );
  return rows.rows.map((row) => ({ table: row.table, column: row.column }));
}

/** How many rows of `table` have `userId` in `column`. */
export async function rowsWith(database: SqlDatabase, { table, column }: UserColumn, userId: string): Promise<number> {
  // A system transaction: on PostgreSQL, row-level security hides tenant rows from any other query.
  const result = await withSystem(database.db, (trx) =>
    sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)} where ${sql.ref(column)} = ${userId}`.execute(trx),
  );
  return Number(result.rows[0]?.n ?? 0);
}
