/**
 * Invitations (docs/decisions/013-invitations.md): an org's pending offer of a role to an email
 * address. No membership exists until the invitee accepts; accepting, declining and revoking
 * delete the row (the audit log keeps the story). One pending invitation per (org, email): a new
 * one replaces it. The inviter's account going deletes its invitations (the foreign key cascades),
 * and so does the org's. On PostgreSQL the table is a tenant table under row-level security.
 */
import type { Kysely, Migration } from 'kysely';
import { disableRowLevelSecurity, enableTenantRowLevelSecurity, isPostgres } from '../kernel/adapters/sql/rls-policies.js';

export const migration0013: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('org_invitations')
      .addColumn('id', 'varchar(40)', (col) => col.primaryKey())
      .addColumn('org_id', 'varchar(40)', (col) => col.notNull().references('orgs.id').onDelete('cascade'))
      .addColumn('email', 'varchar(254)', (col) => col.notNull())
      .addColumn('role', 'varchar(64)', (col) => col.notNull())
      .addColumn('invited_by', 'varchar(40)', (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addUniqueConstraint('org_invitations_org_email', ['org_id', 'email'])
      .execute();
    // The invitee's pending invitations are found by email across orgs.
    await db.schema.createIndex('org_invitations_email').on('org_invitations').column('email').execute();
    await enableTenantRowLevelSecurity(db, 'org_invitations');
  },
  async down(db: Kysely<unknown>) {
    if (await isPostgres(db)) await disableRowLevelSecurity(db, 'org_invitations');
    await db.schema.dropTable('org_invitations').execute();
  },
};
