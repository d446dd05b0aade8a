/**
 * {@link OrgStore} on the shared database. Scoped methods run through {@link withTenant} (RLS on
 * PostgreSQL) and filter by `scope.orgId` as well. The last-owner rule locks the org's row first
 * (`update orgs set name = name`), so concurrent demotions of two owners run one after the other
 * and the second sees the first; the check and the change share the transaction. Each change
 * appends its event (tenancy/domain/events.ts) to the outbox in its own transaction.
 */
import { DomainError } from '../../kernel/domain/errors.js';
import type { CustomRole, Member, Org, OrgMembership, RoleVersion } from '../domain/org.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import type { OrgStore, OwnerGuardedOutcome } from '../ports/org-store.js';
import { withSystem, withTenant, type TenantTransaction } from '../../kernel/adapters/sql/rls-scope.js';
import type { SqlDialectName } from '../../kernel/adapters/sql/sql-database.js';
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import { isUniqueViolation } from '../../kernel/adapters/sql/unique-violation.js';
import { appendEvent } from '../../kernel/events/event-outbox.js';

const OWNER = 'owner';

function parsePermissions(text: string): readonly string[] {
  const parsed: unknown = JSON.parse(text);
  return Array.isArray(parsed) ? parsed.filter((p): p is string => typeof p === 'string') : [];
}

function toOrg(row: { id: string; slug: string; name: string; created_at: number }): Org {
  return Object.freeze({ id: row.id, slug: row.slug, name: row.name, createdAt: row.created_at });
}

export class SqlOrgStore implements OrgStore {
  readonly #db: RampartKysely;
  readonly #dialect: SqlDialectName;
  readonly #tenantTables: readonly string[];

  /**
   * `tenantTables`: every table holding one org's rows (each capability's `tenantTables`, in
   * composition order: `kernel.tenantTables`), which deleting an org empties of its rows.
   */
  constructor(db: RampartKysely, dialect: SqlDialectName, tenantTables: readonly string[]) {
    this.#db = db;
    this.#dialect = dialect;
    this.#tenantTables = Object.freeze([...tenantTables]);
  }

  #scoped<T>(scope: TenantScope, work: (trx: TenantTransaction) => Promise<T>): Promise<T> {
    return withTenant(this.#db, this.#dialect, scope, work);
  }

  async create(org: Org, ownerId: string, ownerRole: string): Promise<void> {
    try {
      // System: the org and its first membership exist before any scope of it can.
      await withSystem(this.#db, async (trx) => {
        await trx.insertInto('orgs').values({ id: org.id, slug: org.slug, name: org.name, created_at: org.createdAt }).execute();
        await trx
          .insertInto('memberships')
          .values({ org_id: org.id, user_id: ownerId, role: ownerRole, created_at: org.createdAt })
          .execute();
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('conflict', 'An org with this slug exists', { cause: error });
      throw error;
    }
  }

  async resolve(idOrSlug: string): Promise<Org | undefined> {
    const column = idOrSlug.startsWith('org_') ? 'id' : 'slug';
    const row = await this.#db.selectFrom('orgs').selectAll().where(column, '=', idOrSlug).executeTakeFirst();
    return row === undefined ? undefined : toOrg(row);
  }

  // System: the authorizer reads the membership directory to decide whether a scope may exist.
  async roleOf(orgId: string, userId: string): Promise<string | undefined> {
    const row = await withSystem(this.#db, (trx) =>
      trx.selectFrom('memberships').select('role').where('org_id', '=', orgId).where('user_id', '=', userId).executeTakeFirst(),
    );
    return row?.role;
  }

  // System: the authorizer resolves a member's custom role before the scope exists.
  async customRolesOf(orgId: string): Promise<readonly CustomRole[]> {
    const rows = await withSystem(this.#db, (trx) =>
      trx.selectFrom('org_roles').selectAll().where('org_id', '=', orgId).orderBy('name').execute(),
    );
    return rows.map((row) => this.#role(row));
  }

  // System: a user's own memberships span orgs (`GET /me`, the org list).
  async orgsOf(userId: string): Promise<readonly OrgMembership[]> {
    const rows = await withSystem(this.#db, (trx) =>
      trx
        .selectFrom('memberships')
        .innerJoin('orgs', 'orgs.id', 'memberships.org_id')
        .select(['orgs.id', 'orgs.slug', 'orgs.name', 'orgs.created_at', 'memberships.role'])
        .where('memberships.user_id', '=', userId)
        .orderBy('orgs.slug')
        .execute(),
    );
    return rows.map((row) => Object.freeze({ ...toOrg(row), role: row.role }));
  }

  members(scope: TenantScope): Promise<readonly Member[]> {
    return this.#scoped(scope, async (trx) => {
      const rows = await this.#memberQuery(trx, scope).orderBy('users.email').execute();
      return rows.map((row) => this.#member(row));
    });
  }

  member(scope: TenantScope, userId: string): Promise<Member | undefined> {
    return this.#scoped(scope, async (trx) => {
      const row = await this.#memberQuery(trx, scope).where('memberships.user_id', '=', userId).executeTakeFirst();
      return row === undefined ? undefined : this.#member(row);
    });
  }

  async addMember(scope: TenantScope, userId: string, role: string, now: number): Promise<boolean> {
    try {
      await this.#scoped(scope, async (trx) => {
        await trx.insertInto('memberships').values({ org_id: scope.orgId, user_id: userId, role, created_at: now }).execute();
        await appendEvent(trx, { type: 'member.added', orgId: scope.orgId, data: { user_id: userId, role } }, now);
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  setRole(scope: TenantScope, userId: string, role: string): Promise<OwnerGuardedOutcome> {
    return this.#ownerGuarded(scope, userId, role !== OWNER, async (trx) => {
      await trx.updateTable('memberships').set({ role }).where('org_id', '=', scope.orgId).where('user_id', '=', userId).execute();
      await appendEvent(trx, { type: 'member.role_changed', orgId: scope.orgId, data: { user_id: userId, role } }, Date.now());
    });
  }

  removeMember(scope: TenantScope, userId: string): Promise<OwnerGuardedOutcome> {
    return this.#ownerGuarded(scope, userId, true, async (trx) => {
      await trx.deleteFrom('memberships').where('org_id', '=', scope.orgId).where('user_id', '=', userId).execute();
      await appendEvent(trx, { type: 'member.removed', orgId: scope.orgId, data: { user_id: userId } }, Date.now());
    });
  }

  // System: a user leaving has no scope in the org.
  ownerCount(orgId: string): Promise<number> {
    return withSystem(this.#db, (trx) => this.#count(trx, orgId, OWNER));
  }

  // System: a user leaving has no scope in the org; the owner guard is the same as removeMember's.
  leave(orgId: string, userId: string): Promise<OwnerGuardedOutcome> {
    return withSystem(this.#db, (trx) =>
      this.#guard(trx, orgId, userId, true, async () => {
        await trx.deleteFrom('memberships').where('org_id', '=', orgId).where('user_id', '=', userId).execute();
        await appendEvent(trx, { type: 'member.removed', orgId, data: { user_id: userId } }, Date.now());
      }),
    );
  }

  countWithRole(scope: TenantScope, role: string): Promise<number> {
    return this.#scoped(scope, async (trx) => this.#count(trx, scope.orgId, role));
  }

  customRole(scope: TenantScope, name: string): Promise<CustomRole | undefined> {
    return this.#scoped(scope, async (trx) => {
      const row = await trx
        .selectFrom('org_roles')
        .selectAll()
        .where('org_id', '=', scope.orgId)
        .where('name', '=', name)
        .executeTakeFirst();
      return row === undefined ? undefined : this.#role(row);
    });
  }

  putRole(
    scope: TenantScope,
    name: string,
    permissions: readonly string[],
    actorId: string | null,
    now: number,
    expectedVersion?: number,
  ): Promise<CustomRole> {
    const text = JSON.stringify(permissions);
    return this.#scoped(scope, async (trx) => {
      await this.#lockOrg(trx, scope.orgId);
      const current = await trx
        .selectFrom('org_roles')
        .select(['version', 'created_at'])
        .where('org_id', '=', scope.orgId)
        .where('name', '=', name)
        .executeTakeFirst();
      const version = (current?.version ?? 0) + 1;
      if (expectedVersion !== undefined && version !== expectedVersion) {
        throw new DomainError('conflict', 'The role was changed meanwhile; try again');
      }
      if (current === undefined) {
        await trx
          .insertInto('org_roles')
          .values({ org_id: scope.orgId, name, permissions: text, version, created_at: now, updated_at: now })
          .execute();
      } else {
        await trx
          .updateTable('org_roles')
          .set({ permissions: text, version, updated_at: now })
          .where('org_id', '=', scope.orgId)
          .where('name', '=', name)
          .execute();
      }
      await trx
        .insertInto('org_role_versions')
        .values({ org_id: scope.orgId, name, version, permissions: text, actor_id: actorId, created_at: now })
        .execute();
      await appendEvent(trx, { type: 'role.updated', orgId: scope.orgId, data: { role: name, version } }, now);
      return Object.freeze({ name, permissions: [...permissions], version, createdAt: current?.created_at ?? now, updatedAt: now });
    });
  }

  roleHistory(scope: TenantScope, name: string): Promise<readonly RoleVersion[]> {
    return this.#scoped(scope, async (trx) => {
      const rows = await trx
        .selectFrom('org_role_versions')
        .selectAll()
        .where('org_id', '=', scope.orgId)
        .where('name', '=', name)
        .orderBy('version', 'desc')
        .execute();
      return rows.map((row) =>
        Object.freeze({
          name: row.name,
          version: row.version,
          permissions: parsePermissions(row.permissions),
          actorId: row.actor_id,
          createdAt: row.created_at,
        }),
      );
    });
  }

  deleteOrg(scope: TenantScope): Promise<Readonly<Record<string, number>>> {
    return this.#scoped(scope, async (trx) => {
      const removed: Record<string, number> = {};
      for (const table of this.#tenantTables) {
        // Table names come from the capabilities' fixed lists, never from input; the org id is bound.
        const result = await trx
          .deleteFrom(table as 'memberships')
          .where('org_id', '=', scope.orgId)
          .executeTakeFirst();
        removed[table] = Number(result.numDeletedRows);
      }
      await trx.deleteFrom('orgs').where('id', '=', scope.orgId).execute();
      return Object.freeze(removed);
    });
  }

  #memberQuery(trx: TenantTransaction, scope: TenantScope) {
    return trx
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select(['memberships.user_id', 'users.email', 'users.name', 'memberships.role', 'memberships.created_at'])
      .where('memberships.org_id', '=', scope.orgId);
  }

  #member(row: { user_id: string; email: string; name: string | null; role: string; created_at: number }): Member {
    return Object.freeze({ userId: row.user_id, email: row.email, name: row.name, role: row.role, createdAt: row.created_at });
  }

  #role(row: { name: string; permissions: string; version: number; created_at: number; updated_at: number }): CustomRole {
    return Object.freeze({
      name: row.name,
      permissions: parsePermissions(row.permissions),
      version: row.version,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    });
  }

  async #lockOrg(trx: TenantTransaction, orgId: string): Promise<void> {
    await trx
      .updateTable('orgs')
      .set((eb) => ({ name: eb.ref('name') }))
      .where('id', '=', orgId)
      .execute();
  }

  async #count(trx: TenantTransaction, orgId: string, role: string): Promise<number> {
    const row = await trx
      .selectFrom('memberships')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('org_id', '=', orgId)
      .where('role', '=', role)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Runs `change` unless it would leave the org without an owner (`keepsOwner` false: the change ends the target's ownership). */
  #ownerGuarded(
    scope: TenantScope,
    userId: string,
    endsOwnership: boolean,
    change: (trx: TenantTransaction) => Promise<void>,
  ): Promise<OwnerGuardedOutcome> {
    return this.#scoped(scope, (trx) => this.#guard(trx, scope.orgId, userId, endsOwnership, () => change(trx)));
  }

  async #guard(
    trx: TenantTransaction,
    orgId: string,
    userId: string,
    endsOwnership: boolean,
    change: () => Promise<void>,
  ): Promise<OwnerGuardedOutcome> {
    await this.#lockOrg(trx, orgId);
    const target = await trx
      .selectFrom('memberships')
      .select('role')
      .where('org_id', '=', orgId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (target === undefined) return 'not_found';
    if (endsOwnership && target.role === OWNER && (await this.#count(trx, orgId, OWNER)) <= 1) return 'last_owner';
    await change();
    return 'done';
  }
}
