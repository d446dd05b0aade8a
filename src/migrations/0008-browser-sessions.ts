/**
 * Browser sessions: a cookie session is a `sessions` row whose
 * `cookie_secret_hash` holds SHA-256 hex of the secret half of the `__Host-rampart_session` cookie
 * (`<session id>.<secret>`); the secret itself is never stored. Token sessions keep it null. The
 * DPoP thumbprint column (`dpop_jkt`) already exists since 0003.
 */
import type { Kysely, Migration } from 'kysely';

export const migration0008: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('sessions').addColumn('cookie_secret_hash', 'varchar(64)').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('sessions').dropColumn('cookie_secret_hash').execute();
  },
};
