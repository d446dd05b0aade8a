/**
 * Step-up (docs/decisions/012-step-up.md): a session records when its user last proved who they
 * are on it — the login that opened it, or a later step-up — as `sessions.authenticated_at`
 * (integer ms). Sessions opened before this migration were last authenticated when they were
 * created, so the column starts as `created_at`; a row without it is never fresh.
 */
import { sql, type Kysely, type Migration } from 'kysely';

export const migration0014: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('sessions').addColumn('authenticated_at', 'bigint').execute();
    await sql`update sessions set authenticated_at = created_at`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('sessions').dropColumn('authenticated_at').execute();
  },
};
