/**
 * {@link PlatformOwners} on the shared database. The guarded disable is one transaction that
 * first writes the `system` org's row (a no-op update): on PostgreSQL that takes the row's lock,
 * which every other guarded disable waits for, and its statements then see the committed state
 * (READ COMMITTED), so two racing disables of the last two owners cannot both pass; on SQLite the
 * write takes the database's write lock, with the same effect.
 */
import { SYSTEM_ORG_SLUG } from '../domain/user.js';
import type { GuardedDisable, PlatformOwners } from '../ports/platform-owners.js';
import type { RampartKysely } from '../../../kernel/adapters/sql/schema.js';
import { withSystem } from '../../../kernel/adapters/sql/rls-scope.js';

const OWNER_ROLE = 'owner';

export class SqlPlatformOwners implements PlatformOwners {
  readonly #db: RampartKysely;

  constructor(db: RampartKysely) {
    this.#db = db;
  }

  // System: the platform's owners are the `system` org's, read before any scope exists.
  disableUnlessLastOwner(userId: string, now: number): Promise<GuardedDisable> {
    return withSystem(this.#db, async (trx) => {
      await trx.updateTable('orgs').set({ slug: SYSTEM_ORG_SLUG }).where('slug', '=', SYSTEM_ORG_SLUG).execute();
      const user = await trx.selectFrom('users').select(['id']).where('id', '=', userId).executeTakeFirst();
      if (user === undefined) return 'not_found';
      const owners = await trx
        .selectFrom('memberships')
        .innerJoin('orgs', 'orgs.id', 'memberships.org_id')
        .innerJoin('users', 'users.id', 'memberships.user_id')
        .select('users.id')
        .where('orgs.slug', '=', SYSTEM_ORG_SLUG)
        .where('memberships.role', '=', OWNER_ROLE)
        .where('users.status', '=', 'active')
        .execute();
      const active = new Set(owners.map((owner) => owner.id));
      if (active.has(userId) && active.size === 1) return 'last_owner';
      await trx.updateTable('users').set({ status: 'disabled', updated_at: now }).where('id', '=', userId).execute();
      return 'disabled';
    });
  }
}
