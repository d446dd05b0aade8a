/** The table of migration 0025 (linked identities), as Kysely sees it. */

export interface ExternalIdentityTable {
  id: string;
  user_id: string;
  /** `oidc:<name>`, `ldap:<name>` or `pam`. */
  provider: string;
  subject: string;
  email: string | null;
  /** 1 when the provider asserted the email verified. */
  email_verified: number;
  created_at: number;
  last_used_at: number | null;
}

declare module '../../../kernel/adapters/sql/schema.js' {
  /** Linked identities (migration 0025). */
  interface RampartDatabase {
    external_identities: ExternalIdentityTable;
  }
}
