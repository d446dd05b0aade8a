/** The passkeys capability's tables (migration 0027): credentials and ceremony challenges. */
export interface PasskeyTable {
  /** `pk_` and 128 random bits, hex: the id the API shows. */
  id: string;
  user_id: string;
  /** The WebAuthn credential id, base64url. */
  credential_id: string;
  /** The COSE public key, base64url. */
  public_key: string;
  sign_count: number;
  /** The authenticator's transports, space-separated (`internal hybrid`…). */
  transports: string;
  aaguid: string;
  /** 1 when the credential may be backed up (a synced passkey), else 0. */
  backup_eligible: number;
  /** 1 when the credential was backed up at its last use, else 0. */
  backed_up: number;
  name: string;
  created_at: number;
  last_used_at: number | null;
}

export interface PasskeyChallengeTable {
  /** SHA-256 hex of the challenge: the challenge itself is never stored. */
  challenge_hash: string;
  /** `register`, `sign_in`, `mfa` or `step_up`. */
  purpose: string;
  /** The user the ceremony is for; null for a username-less sign-in. */
  user_id: string | null;
  /** The session (`register`, `step_up`) or the pending login's `mfa_token` hash (`mfa`) it is bound to. */
  binding: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

declare module '../../kernel/adapters/sql/schema.js' {
  interface RampartDatabase {
    passkeys: PasskeyTable;
    passkey_challenges: PasskeyChallengeTable;
  }
}
