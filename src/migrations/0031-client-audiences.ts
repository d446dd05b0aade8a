/**
 * Per-application audiences (issue 22 item 4; docs/decisions/034-app-middleware-and-revocation-feed.md):
 * `service_clients.audiences`, a JSON array of the absolute URIs a client may ask its tokens to be
 * for (RFC 8707 `resource`, or `audience`, on the token endpoint). Null — every client registered
 * before — is the empty list: its tokens are for Rampart only, as before.
 */
import type { Kysely, Migration } from 'kysely';

export const migration0031: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('service_clients').addColumn('audiences', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('service_clients').dropColumn('audiences').execute();
  },
};
