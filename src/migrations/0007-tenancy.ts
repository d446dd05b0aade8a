/**
 * Tenancy: custom roles with every version kept, beside the `orgs` and `memberships`
 * tables of 0003-identity. A custom role's permissions are a JSON array of permission names; each
 * change writes a new row to `org_role_versions` (the history route reads it) and bumps
 * `org_roles.version` in the same transaction. On PostgreSQL the tenant tables get row-level
 * security (docs/decisions/006-tenancy.md): see `rls-policies.ts`.
 */
import type { Kysely, Migration } from 'kysely';
import { applyRowLevelSecurity, dropRowLevelSecurity } from '../kernel/adapters/sql/rls-policies.js';

export const migration0007: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('org_roles')
      .addColumn('org_id', 'varchar(40)', (col) => col.notNull().references('orgs.id').onDelete('cascade'))
      .addColumn('name', 'varchar(64)', (col) => col.notNull())
      .addColumn('permissions', 'text', (col) => col.notNull())
      .addColumn('version', 'integer', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('org_roles_pk', ['org_id', 'name'])
      .execute();
    await db.schema
      .createTable('org_role_versions')
      .addColumn('org_id', 'varchar(40)', (col) => col.notNull().references('orgs.id').onDelete('cascade'))
      .addColumn('name', 'varchar(64)', (col) => col.notNull())
      .addColumn('version', 'integer', (col) => col.notNull())
      .addColumn('permissions', 'text', (col) => col.notNull())
      .addColumn('actor_id', 'varchar(64)')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('org_role_versions_pk', ['org_id', 'name', 'version'])
      .execute();
    await db.schema.createIndex('memberships_org_role').on('memberships').columns(['org_id', 'role']).execute();
    await applyRowLevelSecurity(db);
  },
  async down(db: Kysely<unknown>) {
    await dropRowLevelSecurity(db);
    await db.schema.dropIndex('memberships_org_role').execute();
    for (const table of ['org_role_versions', 'org_roles']) await db.schema.dropTable(table).execute();
  },
};
