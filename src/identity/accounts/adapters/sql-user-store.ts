import { DomainError } from '../../../kernel/domain/errors.js';
import { loginBackoffMs, type Membership, type Org, type User, type UserStatus } from '../domain/user.js';
import type { NewUser, UserStore } from '../ports/user-store.js';
import type { RampartKysely } from '../../../kernel/adapters/sql/schema.js';
import type { UserTable } from '../../adapters/identity-tables.js';
// The `password_change_required_at` column this file writes (migration 0029).
import type {} from './sql-password-change-requirements.js';
import { isUniqueViolation } from '../../../kernel/adapters/sql/unique-violation.js';
import { withSystem, type TenantTransaction } from '../../../kernel/adapters/sql/rls-scope.js';
import { appendEvent } from '../../../kernel/events/event-outbox.js';

function toUser(row: UserTable): User {
  return Object.freeze({
    id: row.id,
    email: row.email,
    name: row.name,
    passwordHash: row.password_hash,
    status: row.status === 'active' ? 'active' : 'disabled',
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    passwordChangedAt: row.password_changed_at,
    failedLogins: row.failed_logins,
    nextLoginAt: row.next_login_at,
    emailVerifiedAt: row.email_verified_at,
  });
}

function userRow(user: NewUser): UserTable {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    password_hash: user.passwordHash,
    status: 'active',
    created_at: user.now,
    updated_at: user.now,
    password_changed_at: user.passwordHash === null ? null : user.now,
    failed_logins: 0,
    next_login_at: null,
    email_verified_at: user.emailVerifiedAt ?? null,
    password_change_required_at: user.passwordChangeRequired === true ? user.now : null,
  };
}

/** `user.created`, a deployment event (users are no org's), in the insert's transaction: the id only, never the email. */
async function userCreated(trx: TenantTransaction, user: NewUser): Promise<void> {
  await appendEvent(trx, { type: 'user.created', orgId: null, data: { user_id: user.id } }, user.now);
}

/**
 * {@link UserStore} on the shared database. Uniqueness is the database's (unique index on email,
 * on org slug); the failure count is incremented in SQL (`failed_logins + 1`), never read and
 * written back, so concurrent failures on several instances all count.
 */
export class SqlUserStore implements UserStore {
  readonly #db: RampartKysely;

  constructor(db: RampartKysely) {
    this.#db = db;
  }

  async create(user: NewUser): Promise<void> {
    try {
      // System: the deployment event beside the user (a null-org outbox row) needs a system transaction.
      await withSystem(this.#db, async (trx) => {
        await trx.insertInto('users').values(userRow(user)).execute();
        await userCreated(trx, user);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('conflict', 'An account with this email exists', { cause: error });
      throw error;
    }
  }

  async bootstrap(org: Org, user: NewUser, role: string): Promise<boolean> {
    try {
      // System: the platform's first org and its owner, before any scope can exist.
      return await withSystem(this.#db, async (trx) => {
        const existing = await trx.selectFrom('users').select('id').limit(1).executeTakeFirst();
        if (existing !== undefined) return false;
        // Two instances starting at once both see no user; the unique slug lets one through.
        await trx.insertInto('orgs').values({ id: org.id, slug: org.slug, name: org.name, created_at: org.createdAt }).execute();
        await trx.insertInto('users').values(userRow(user)).execute();
        await userCreated(trx, user);
        await trx.insertInto('memberships').values({ org_id: org.id, user_id: user.id, role, created_at: user.now }).execute();
        return true;
      });
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async findById(id: string): Promise<User | undefined> {
    const row = await this.#db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toUser(row);
  }

  async findByEmail(email: string): Promise<User | undefined> {
    const row = await this.#db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    return row === undefined ? undefined : toUser(row);
  }

  async count(): Promise<number> {
    const row = await this.#db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  // System: one user's memberships span orgs.
  async memberships(userId: string): Promise<readonly Membership[]> {
    const rows = await withSystem(this.#db, (trx) =>
      trx
        .selectFrom('memberships')
        .innerJoin('orgs', 'orgs.id', 'memberships.org_id')
        .select(['memberships.org_id', 'orgs.slug', 'memberships.role'])
        .where('memberships.user_id', '=', userId)
        .orderBy('memberships.org_id')
        .execute(),
    );
    return rows.map((row) => Object.freeze({ orgId: row.org_id, orgSlug: row.slug, role: row.role }));
  }

  async recordLoginFailure(id: string, now: number): Promise<User | undefined> {
    return this.#db.transaction().execute(async (trx) => {
      const counted = await trx
        .updateTable('users')
        .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
        .where('id', '=', id)
        .returning('failed_logins')
        .executeTakeFirst();
      if (counted === undefined) return undefined;
      const delay = loginBackoffMs(counted.failed_logins);
      if (delay > 0) {
        // Only forward: a slower concurrent failure never shortens a longer deadline.
        await trx
          .updateTable('users')
          .set({ next_login_at: now + delay })
          .where('id', '=', id)
          .where((eb) => eb.or([eb('next_login_at', 'is', null), eb('next_login_at', '<', now + delay)]))
          .execute();
      }
      const row = await trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toUser(row);
    });
  }

  async recordLoginSuccess(id: string, now: number, passwordHash?: string): Promise<void> {
    await this.#db
      .updateTable('users')
      .set({
        failed_logins: 0,
        next_login_at: null,
        ...(passwordHash === undefined ? {} : { password_hash: passwordHash, updated_at: now }),
      })
      .where('id', '=', id)
      .execute();
  }

  async setStatus(id: string, status: UserStatus, now: number): Promise<boolean> {
    const result = await this.#db.updateTable('users').set({ status, updated_at: now }).where('id', '=', id).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
