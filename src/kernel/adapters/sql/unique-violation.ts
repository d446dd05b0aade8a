/** Recognises a unique-constraint violation on either dialect, so adapters can answer `conflict`. */

/** SQLite (better-sqlite3) `SQLITE_CONSTRAINT_UNIQUE`/`_PRIMARYKEY`, or PostgreSQL SQLSTATE 23505. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
