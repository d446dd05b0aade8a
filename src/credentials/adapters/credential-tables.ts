/** The tables of migration 0009 (API keys and OAuth service clients), as Kysely sees them. */

export interface ApiKeyTable {
  id: string;
  /** The creator, whose authority bounds the key. */
  user_id: string;
  /** The org the key is confined to; null for platform scopes only. */
  org_id: string | null;
  name: string;
  /** `rk_` and the first characters of the key: shown in lists, never enough to use it. */
  prefix: string;
  /** SHA-256 hex of the whole key: the key itself is never stored. */
  key_hash: string;
  /** JSON array of permission names. */
  scopes: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
  /** The successor of a rotated key. */
  replaced_by: string | null;
}

export interface ServiceClientTable {
  id: string;
  org_id: string;
  name: string;
  /** `client_secret_basic` or `private_key_jwt`. */
  auth_method: string;
  /** SHA-256 hex of the client secret (client_secret_basic); null otherwise. */
  secret_hash: string | null;
  /** The registered public JWK Set, JSON (private_key_jwt); null otherwise. */
  jwks: string | null;
  /** JSON array of permission names. */
  scopes: string;
  /** JSON array of the audiences (absolute URIs) its tokens may be issued for; null: none (migration 0031). */
  audiences: string | null;
  created_by: string;
  created_at: number;
  revoked_at: number | null;
}

export interface OAuthTokenRevocationTable {
  jti: string;
  client_id: string;
  org_id: string;
  revoked_at: number;
  /** When the token would have expired: the row may go after that. */
  expires_at: number;
}

export interface OAuthAssertionJtiTable {
  client_id: string;
  jti: string;
  expires_at: number;
}

declare module '../../kernel/adapters/sql/schema.js' {
  /** API keys' and service clients' tables (migration 0009). */
  interface RampartDatabase {
    api_keys: ApiKeyTable;
    service_clients: ServiceClientTable;
    oauth_token_revocations: OAuthTokenRevocationTable;
    oauth_assertion_jtis: OAuthAssertionJtiTable;
  }
}
