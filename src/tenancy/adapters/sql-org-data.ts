/**
 * Tenancy's sections of an org's export (`GET /api/v1/orgs/{org}/export`, GDPR Art. 20): the org
 * itself, its members (with the account's email and name), its custom roles and every version
 * they had, and its pending invitations. Each page is read in the org's tenant transaction
 * (`withTenant`: row-level security on PostgreSQL) and filtered by the scope's org as well, in
 * keyset order, so that a page never repeats or skips a row that stays put.
 */
import { Type } from '@sinclair/typebox';
import { isoTime as iso, keysetPage as pageOf, pairCursor } from '../../kernel/adapters/sql/org-data-page.js';
import { withTenant, type TenantTransaction } from '../../kernel/adapters/sql/rls-scope.js';
import type { SqlDialectName } from '../../kernel/adapters/sql/sql-database.js';
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import type { OrgDataSection } from '../../kernel/part.js';

const Time = Type.String({ format: 'date-time' });
const Names = Type.Array(Type.String());

function permissionsOf(text: string): readonly string[] {
  const parsed: unknown = JSON.parse(text);
  return Array.isArray(parsed) ? parsed.filter((p): p is string => typeof p === 'string') : [];
}

export function tenancyOrgData(db: RampartKysely, dialect: SqlDialectName): readonly OrgDataSection[] {
  const scoped = <T>(scope: TenantScope, work: (trx: TenantTransaction) => Promise<T>): Promise<T> => withTenant(db, dialect, scope, work);
  return [
    {
      key: 'org',
      description: 'The org itself (one row).',
      row: Type.Object({ id: Type.String(), slug: Type.String(), name: Type.String(), created_at: Time }, { additionalProperties: false }),
      async page(scope) {
        const rows = await scoped(scope, (trx) =>
          trx.selectFrom('orgs').select(['id', 'slug', 'name', 'created_at']).where('id', '=', scope.orgId).execute(),
        );
        return {
          rows: rows.map((row) => ({ id: row.id, slug: row.slug, name: row.name, created_at: iso(row.created_at) })),
          next: undefined,
        };
      },
    },
    {
      key: 'members',
      description: "The org's members: the account's id, email and name, the role, and when they joined.",
      row: Type.Object(
        {
          user_id: Type.String(),
          email: Type.String(),
          name: Type.Union([Type.String(), Type.Null()]),
          role: Type.String(),
          joined_at: Time,
        },
        { additionalProperties: false },
      ),
      async page(scope, after, limit) {
        const rows = await scoped(scope, (trx) => {
          let query = trx
            .selectFrom('memberships')
            .innerJoin('users', 'users.id', 'memberships.user_id')
            .select(['memberships.user_id', 'users.email', 'users.name', 'memberships.role', 'memberships.created_at'])
            .where('memberships.org_id', '=', scope.orgId);
          if (after !== undefined) query = query.where('memberships.user_id', '>', after);
          return query
            .orderBy('memberships.user_id')
            .limit(limit + 1)
            .execute();
        });
        return pageOf(
          rows,
          limit,
          (row) => row.user_id,
          (row) => ({ user_id: row.user_id, email: row.email, name: row.name, role: row.role, joined_at: iso(row.created_at) }),
        );
      },
    },
    {
      key: 'roles',
      description: "The org's custom roles (the built-in ones are the same everywhere): name, permissions, version.",
      row: Type.Object(
        { name: Type.String(), permissions: Names, version: Type.Integer(), created_at: Time, updated_at: Time },
        { additionalProperties: false },
      ),
      async page(scope, after, limit) {
        const rows = await scoped(scope, (trx) => {
          let query = trx
            .selectFrom('org_roles')
            .select(['name', 'permissions', 'version', 'created_at', 'updated_at'])
            .where('org_id', '=', scope.orgId);
          if (after !== undefined) query = query.where('name', '>', after);
          return query
            .orderBy('name')
            .limit(limit + 1)
            .execute();
        });
        return pageOf(
          rows,
          limit,
          (row) => row.name,
          (row) => ({
            name: row.name,
            permissions: permissionsOf(row.permissions),
            version: Number(row.version),
            created_at: iso(row.created_at),
            updated_at: iso(row.updated_at),
          }),
        );
      },
    },
    {
      key: 'role_versions',
      description: 'Every version of each custom role: its permissions, who made it and when.',
      row: Type.Object(
        {
          name: Type.String(),
          version: Type.Integer(),
          permissions: Names,
          actor_id: Type.Union([Type.String(), Type.Null()]),
          created_at: Time,
        },
        { additionalProperties: false },
      ),
      async page(scope, after, limit) {
        const from = pairCursor.read(after);
        const rows = await scoped(scope, (trx) => {
          let query = trx
            .selectFrom('org_role_versions')
            .select(['name', 'version', 'permissions', 'actor_id', 'created_at'])
            .where('org_id', '=', scope.orgId);
          if (from !== undefined) {
            const [name, version] = from;
            query = query.where((eb) => eb.or([eb('name', '>', name), eb.and([eb('name', '=', name), eb('version', '>', version)])]));
          }
          return query
            .orderBy('name')
            .orderBy('version')
            .limit(limit + 1)
            .execute();
        });
        return pageOf(
          rows,
          limit,
          (row) => pairCursor.write(row.name, Number(row.version)),
          (row) => ({
            name: row.name,
            version: Number(row.version),
            permissions: permissionsOf(row.permissions),
            actor_id: row.actor_id,
            created_at: iso(row.created_at),
          }),
        );
      },
    },
    {
      key: 'invitations',
      description:
        'Pending invitations: the invited email, the role offered, who invited, and when it expires (never the invitation token).',
      row: Type.Object(
        { id: Type.String(), email: Type.String(), role: Type.String(), invited_by: Type.String(), created_at: Time, expires_at: Time },
        { additionalProperties: false },
      ),
      async page(scope, after, limit) {
        const rows = await scoped(scope, (trx) => {
          let query = trx
            .selectFrom('org_invitations')
            .select(['id', 'email', 'role', 'invited_by', 'created_at', 'expires_at'])
            .where('org_id', '=', scope.orgId);
          if (after !== undefined) query = query.where('id', '>', after);
          return query
            .orderBy('id')
            .limit(limit + 1)
            .execute();
        });
        return pageOf(
          rows,
          limit,
          (row) => row.id,
          (row) => ({
            id: row.id,
            email: row.email,
            role: row.role,
            invited_by: row.invited_by,
            created_at: iso(row.created_at),
            expires_at: iso(row.expires_at),
          }),
        );
      },
    },
  ];
}
