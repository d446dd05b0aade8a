/**
 * An org's id from its id or slug, for the kill switch's command line (`rampart sessions
 * revoke-all --org`), which has no authorization layer to resolve `{org}` for it.
 */
import type { RampartKysely } from '../../../kernel/adapters/sql/schema.js';

export class SqlOrgIds {
  readonly #db: RampartKysely;

  constructor(db: RampartKysely) {
    this.#db = db;
  }

  /** The id of the org whose id or slug is `idOrSlug`, or `undefined`. */
  async idOf(idOrSlug: string): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom('orgs')
      .select('id')
      .where((eb) => eb.or([eb('id', '=', idOrSlug), eb('slug', '=', idOrSlug)]))
      .executeTakeFirst();
    return row?.id;
  }
}
