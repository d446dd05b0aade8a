/** The email flows' table as Kysely sees it (migration `0024-email-verification`, which also adds `users.email_verified_at`). */

/** A one-time token of an email flow; the token itself is never stored. */
export interface EmailTokenTable {
  /** SHA-256 hex of the token. */
  token_hash: string;
  /** `verify`, `reset` or `change`. */
  purpose: string;
  user_id: string;
  /** The address the token was mailed to: the account's (verify, reset) or the new one (change). */
  new_email: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

declare module '../../../kernel/adapters/sql/schema.js' {
  interface RampartDatabase {
    email_tokens: EmailTokenTable;
  }
}
