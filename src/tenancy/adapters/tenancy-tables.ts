/**
 * Tenancy's own tables: custom roles and their history (migration 0007), pending invitations
 * (0013). Orgs and memberships are identity's.
 */
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

/** A pending invitation (migration 0013): a role in an org offered to a normalised email. */
export interface OrgInvitationTable {
  id: string;
  org_id: string;
  email: string;
  role: string;
  invited_by: string;
  created_at: number;
  expires_at: number;
}

declare module '../../kernel/adapters/sql/schema.js' {
  interface RampartDatabase {
    org_roles: OrgRoleTable;
    org_role_versions: OrgRoleVersionTable;
    org_invitations: OrgInvitationTable;
  }
}
