/**
 * {@link OrgOwnership} on the shared database: one query over `memberships`, the directory read
 * before any tenant scope exists — a system transaction on PostgreSQL (`rls-scope.ts`).
 */
import { sql } from 'kysely';
import type { OrgOwnership, SoleOwnership } from '../ports/org-ownership.js';
import { withSystem } from '../../kernel/adapters/sql/rls-scope.js';
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';

export class SqlOrgOwnership implements OrgOwnership {
  readonly #db: RampartKysely;

  constructor(db: RampartKysely) {
    this.#db = db;
  }

  async soleOwnerships(userId: string): Promise<readonly SoleOwnership[]> {
    // System: one user's ownerships span orgs (the membership directory, read before any scope exists).
    const rows = await withSystem(this.#db, (trx) =>
      trx
        .selectFrom('memberships as mine')
        .innerJoin('orgs', 'orgs.id', 'mine.org_id')
        .innerJoin('memberships as every', 'every.org_id', 'mine.org_id')
        .select(['orgs.id as org_id', 'orgs.slug as org_slug'])
        .select(sql<number | string>`count(*)`.as('members'))
        .select(sql<number | string>`sum(case when ${sql.ref('every.role')} = 'owner' then 1 else 0 end)`.as('owners'))
        .where('mine.user_id', '=', userId)
        .where('mine.role', '=', 'owner')
        .groupBy(['orgs.id', 'orgs.slug'])
        .orderBy('orgs.slug')
        .execute(),
    );
    return rows
      .filter((row) => Number(row.owners) === 1)
      .map((row) => Object.freeze({ orgId: row.org_id, orgSlug: row.org_slug, members: Number(row.members) }));
  }
}
