/** Tenancy's own tables (migration 0007): custom roles and their history. Orgs and memberships are identity's. */
/** A custom role of an org (migration 0007): its current permissions (JSON array) and version. */
export interface OrgRoleTable {
  org_id: string;
  name: string;
  permissions: string;
  version: number;
  created_at: number;
  updated_at: number;
}

/** Every version a custom role has had, for its history. */
export interface OrgRoleVersionTable {
  org_id: string;
  name: string;
  version: number;
  permissions: string;
  actor_id: string | null;
  created_at: number;
}

declare module '../../kernel/adapters/sql/schema.js' {
  interface RampartDatabase {
    org_roles: OrgRoleTable;
    org_role_versions: OrgRoleVersionTable;
  }
}
