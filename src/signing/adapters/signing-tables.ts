/**
 * The signing capability's table as Kysely sees it (migration `0020-signing`): the keyring. Keys
 * are bytes as standard base64 text on both dialects; times are epoch milliseconds.
 */
declare module '../../kernel/adapters/sql/schema.js' {
  interface RampartDatabase {
    signing_keyring: SigningKeyringTable;
  }
}

export interface SigningKeyringTable {
  id: string;
  purpose: string;
  /** Base64 of the raw 32-byte Ed25519 public key. */
  public_key: string;
  kek_id: string;
  wrapped_seed: string;
  not_before: number;
  retired_at: number | null;
  verify_until: number | null;
  created_at: number;
}
