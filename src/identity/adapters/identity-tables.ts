/**
 * Identity's tables (migrations 0003, 0005, 0006, 0008): users, the orgs and memberships they
 * belong to, sessions and refresh tokens, signing keys, set-password tokens, MFA.
 */
export interface UserTable {
  id: string;
  /** Lower-cased; unique. */
  email: string;
  name: string | null;
  /** argon2id PHC string (or an imported bcrypt hash); null for an account without a password. */
  password_hash: string | null;
  /** `active` or `disabled`. */
  status: string;
  created_at: number;
  updated_at: number;
  password_changed_at: number | null;
  failed_logins: number;
  /** Login attempts are refused until then (per-account backoff); null when none. */
  next_login_at: number | null;
  /** When the address was verified (migration 0024); null when not. Cleared by an email change to an unverified address. */
  email_verified_at: number | null;
}

export interface OrgTable {
  id: string;
  slug: string;
  name: string;
  created_at: number;
}

export interface MembershipTable {
  org_id: string;
  user_id: string;
  role: string;
  created_at: number;
}

export interface SessionTable {
  id: string;
  user_id: string;
  device_name: string | null;
  ip: string | null;
  user_agent: string | null;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  revoked_at: number | null;
  revoke_reason: string | null;
  /** RFC 9449 JWK thumbprint the session's refresh tokens are bound to (DPoP); null when unbound. */
  dpop_jkt: string | null;
  /** SHA-256 hex of a browser session's cookie secret (migration 0008); null for token sessions. */
  cookie_secret_hash: string | null;
}

export interface RefreshTokenTable {
  /** SHA-256 hex of the token: the token itself is never stored. */
  token_hash: string;
  session_id: string;
  created_at: number;
  expires_at: number;
  spent_at: number | null;
  successor_hash: string | null;
}

export interface SigningKeyTable {
  kid: string;
  alg: string;
  state: string;
  created_at: number;
  retire_after: number | null;
  /** JSON of the public JWK. */
  public_jwk: string;
  /** The private JWK, AES-256-GCM under a key derived from the master key (AAD = kid). */
  private_jwk: string;
}

/** A one-time set-password token (migration 0005): its SHA-256 only, single use. */
export interface PasswordTokenTable {
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

/** A revoked session of an erased user, kept so revocation sets still refuse its access tokens. */
export interface SessionTombstoneTable {
  session_id: string;
  revoked_at: number;
}

/** A user's TOTP enrolment (migration 0006): pending until confirmed with a first code. */
export interface MfaTotpTable {
  user_id: string;
  /** The base32 secret, AES-256-GCM under a master-key-derived key (AAD binds the user id). */
  secret_sealed: string;
  created_at: number;
  confirmed_at: number | null;
  /** The last accepted RFC 6238 time step; a code of this step or earlier is refused. */
  last_step: number | null;
}

/** One single-use MFA recovery code: its user-bound SHA-256 only. */
export interface RecoveryCodeTable {
  user_id: string;
  code_hash: string;
  created_at: number;
  used_at: number | null;
}

/** A login waiting for its second factor: the `mfa_token`'s SHA-256, attempts counted. */
export interface MfaChallengeTable {
  token_hash: string;
  user_id: string;
  device_name: string | null;
  attempts: number;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

declare module '../../kernel/adapters/sql/schema.js' {
  interface RampartDatabase {
    users: UserTable;
    orgs: OrgTable;
    memberships: MembershipTable;
    sessions: SessionTable;
    refresh_tokens: RefreshTokenTable;
    signing_keys: SigningKeyTable;
    password_tokens: PasswordTokenTable;
    session_tombstones: SessionTombstoneTable;
    mfa_totp: MfaTotpTable;
    recovery_codes: RecoveryCodeTable;
    mfa_challenges: MfaChallengeTable;
  }
}
