/**
 * The secrets' tables as Kysely sees them (migration `0010-secrets`). Only ciphertext and wrapped
 * keys are stored; KEK material never is (a KEK row holds its id, source and state).
 */

/** A key-encryption key: its id and state; the key lives in the master key or a PKCS#11 token. */
export interface SecretKekTable {
  id: string;
  source: string;
  /** `active`, `retiring` (data keys still refer to it) or `retired`. */
  state: string;
  created_at: number;
  retired_at: number | null;
}

/** An org's data key, wrapped under a KEK (AAD: org and key id). One `active` per org (partial unique index). */
export interface SecretDataKeyTable {
  id: string;
  org_id: string;
  kek_id: string;
  wrapped: string;
  /** `active` or `retired`. */
  state: string;
  /** Encryptions reserved under this key (NIST SP 800-38D §8.3 bound; rotated at 2^30). */
  encryptions: number;
  created_at: number;
}

/** A secret's metadata: its newest version and the lowest one `reveal` accepts. */
export interface SecretTable {
  org_id: string;
  name: string;
  current_version: number;
  min_decryption_version: number;
  created_at: number;
  updated_at: number;
}

/** One version's ciphertext (`rampart:v1:<data key id>:…`). */
export interface SecretVersionTable {
  org_id: string;
  name: string;
  version: number;
  data_key_id: string;
  ciphertext: string;
  created_at: number;
}

declare module '../../kernel/adapters/sql/schema.js' {
  /** The secrets' tables (migration 0010). */
  interface RampartDatabase {
    secret_keks: SecretKekTable;
    secret_data_keys: SecretDataKeyTable;
    secrets: SecretTable;
    secret_versions: SecretVersionTable;
  }
}
