/**
 * {@link DirectoryAccounts} on the shared database. Membership writes run in a system transaction
 * (`withSystem`): the group mapping is deployment configuration that names orgs, and a sign-in
 * holds no tenant scope in them; each statement still names its org. The owner guard locks the
 * org's owner rows first on PostgreSQL (SQLite serialises writers), as tenancy's store does.
 */
import { sql } from 'kysely';
import type { RampartKysely } from '../../../kernel/adapters/sql/schema.js';
import { dialectOf } from '../../../kernel/adapters/sql/sql-database.js';
import { isUniqueViolation } from '../../../kernel/adapters/sql/unique-violation.js';
import { withSystem, type TenantTransaction } from '../../../kernel/adapters/sql/rls-scope.js';
import { appendEvent } from '../../../kernel/events/event-outbox.js';
import type { DirectoryAccounts, MembershipChange } from '../ports/directory-accounts.js';

const OWNER = 'owner';

export class SqlDirectoryAccounts implements DirectoryAccounts {
  readonly #db: RampartKysely;

  constructor(db: RampartKysely) {
    this.#db = db;
  }

  async updateProfile(
    userId: string,
    profile: { readonly name: string | null; readonly email: string },
    now: number,
  ): Promise<'updated' | 'email_taken'> {
    try {
      await this.#db.transaction().execute(async (trx) => {
        const current = await trx.selectFrom('users').select(['email']).where('id', '=', userId).executeTakeFirst();
        const emailChanged = current !== undefined && current.email !== profile.email;
        await trx
          .updateTable('users')
          .set({
            name: profile.name,
            email: profile.email,
            updated_at: now,
            // A new address is not verified by anyone yet: the linking policy must not trust it.
            ...(emailChanged ? { email_verified_at: null } : {}),
          })
          .where('id', '=', userId)
          .execute();
      });
      return 'updated';
    } catch (error) {
      if (isUniqueViolation(error)) return 'email_taken';
      throw error;
    }
  }

  // System: the mapped orgs are configuration; the sign-in has no scope in them.
  rolesIn(userId: string, orgIds: readonly string[]): Promise<ReadonlyMap<string, string>> {
    if (orgIds.length === 0) return Promise.resolve(new Map());
    return withSystem(this.#db, async (trx) => {
      const rows = await trx
        .selectFrom('memberships')
        .select(['org_id', 'role'])
        .where('user_id', '=', userId)
        .where('org_id', 'in', [...orgIds])
        .execute();
      return new Map(rows.map((row) => [row.org_id, row.role]));
    });
  }

  // System: as rolesIn.
  putMembership(orgId: string, userId: string, role: string, now: number): Promise<MembershipChange> {
    return withSystem(this.#db, async (trx) => {
      const current = await this.#roleOf(trx, orgId, userId);
      if (current === role) return 'unchanged';
      if (current === undefined) {
        await trx.insertInto('memberships').values({ org_id: orgId, user_id: userId, role, created_at: now }).execute();
        await appendEvent(trx, { type: 'member.added', orgId, data: { user_id: userId, role } }, now);
        return 'added';
      }
      if (current === OWNER && (await this.#lastOwner(trx, orgId))) return 'last_owner';
      await trx.updateTable('memberships').set({ role }).where('org_id', '=', orgId).where('user_id', '=', userId).execute();
      await appendEvent(trx, { type: 'member.role_changed', orgId, data: { user_id: userId, role } }, now);
      return 'changed';
    });
  }

  // System: as rolesIn.
  removeMembership(orgId: string, userId: string, now: number): Promise<MembershipChange> {
    return withSystem(this.#db, async (trx) => {
      const current = await this.#roleOf(trx, orgId, userId);
      if (current === undefined) return 'unchanged';
      if (current === OWNER && (await this.#lastOwner(trx, orgId))) return 'last_owner';
      await trx.deleteFrom('memberships').where('org_id', '=', orgId).where('user_id', '=', userId).execute();
      await appendEvent(trx, { type: 'member.removed', orgId, data: { user_id: userId } }, now);
      return 'removed';
    });
  }

  async #roleOf(trx: TenantTransaction, orgId: string, userId: string): Promise<string | undefined> {
    const row = await trx
      .selectFrom('memberships')
      .select('role')
      .where('org_id', '=', orgId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.role;
  }

  async #lastOwner(trx: TenantTransaction, orgId: string): Promise<boolean> {
    if (dialectOf(this.#db) === 'postgres') {
      await sql`select 1 from memberships where org_id = ${orgId} and role = ${OWNER} for update`.execute(trx);
    }
    const row = await trx
      .selectFrom('memberships')
      .select((eb) => eb.fn.countAll<string | number>().as('owners'))
      .where('org_id', '=', orgId)
      .where('role', '=', OWNER)
      .executeTakeFirst();
    return Number(row?.owners ?? 0) <= 1;
  }
}
