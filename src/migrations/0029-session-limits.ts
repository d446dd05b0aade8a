/**
 * Session limits and the bootstrap password (docs/decisions/030-session-limits-and-kill-switch.md).
 *
 * - `sessions.absolute_expires_at` (ms): the end no refresh moves. A token session's `expires_at`
 *   slides with each refresh (its idle end) but never past this; a cookie session's `expires_at`
 *   already is its absolute end, and is copied. Token sessions opened before this migration get
 *   their creation time plus 30 days (the default of RAMPART_TOKEN_SESSION_ABSOLUTE_TIMEOUT), and a
 *   sliding expiry already past that end is brought back to it.
 * - `users.password_change_required_at` (ms): set when the bootstrap admin is created with a
 *   generated or environment-given password; every route but the password change answers 403
 *   `password_change_required` until a password change clears it. Null: no change required.
 */
import { sql, type Kysely, type Migration } from 'kysely';

/** 30 days in ms: the default absolute lifetime of a token session. */
const DEFAULT_TOKEN_SESSION_ABSOLUTE_MS = 2_592_000_000;

export const migration0029: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('sessions').addColumn('absolute_expires_at', 'bigint').execute();
    await sql`update sessions set absolute_expires_at = expires_at where cookie_secret_hash is not null`.execute(db);
    await sql`update sessions set absolute_expires_at = created_at + ${DEFAULT_TOKEN_SESSION_ABSOLUTE_MS} where cookie_secret_hash is null`.execute(
      db,
    );
    await sql`update sessions set expires_at = absolute_expires_at where expires_at > absolute_expires_at`.execute(db);
    await db.schema.alterTable('users').addColumn('password_change_required_at', 'bigint').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('users').dropColumn('password_change_required_at').execute();
    await db.schema.alterTable('sessions').dropColumn('absolute_expires_at').execute();
  },
};
