/** The tables of migration 0021 (licences and their activations), as Kysely sees them. */

export interface LicenceTable {
  id: string;
  org_id: string;
  product: string;
  /** JSON array of feature names, sorted. */
  features: string;
  max_activations: number;
  not_before: number;
  expires_at: number | null;
  /** SHA-256 hex of the key's bytes (licence-key-hash.ts): the key itself is never stored. */
  key_hash: string;
  /** The `licences` signing key that signed the key. */
  key_id: string;
  created_by: string;
  created_at: number;
  revoked_at: number | null;
  revoked_by: string | null;
}

export interface LicenceActivationTable {
  id: string;
  licence_id: string;
  org_id: string;
  installation_id: string;
  activated_at: number;
  last_seen: number;
  deactivated_at: number | null;
}

declare module '../../kernel/adapters/sql/schema.js' {
  /** Licences' tables (migration 0021). */
  interface RampartDatabase {
    licences: LicenceTable;
    licence_activations: LicenceActivationTable;
  }
}
