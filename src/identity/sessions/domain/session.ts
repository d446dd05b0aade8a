/**
 * Sessions and their refresh tokens, as data. A session is what a login creates and a logout or a
 * reuse detection revokes; its refresh tokens form a chain where each is spent by the rotation
 * that issued its successor. Tokens appear here only as SHA-256 hashes.
 */

export type SessionRevokeReason =
  | 'logout'
  | 'refresh_reuse'
  | 'user_disabled'
  | 'user_deleted'
  | 'admin'
  | 'password_changed'
  /** A browser session replaced by a new id at a privilege change (login, password, MFA, role). */
  | 'privilege_change'
  /** A browser session idle for longer than RAMPART_SESSION_IDLE_TIMEOUT. */
  | 'idle_timeout'
  /** The kill switch: every session of an org's members, or of the deployment (V7.4.5). */
  | 'kill_switch'
  /** A second factor was enrolled or removed and the other sessions were ended (V7.4.3). */
  | 'mfa_changed'
  /** Its owner answered "this wasn't me" to the new-device alert of the sign-in that opened it (identity/security/). */
  | 'not_me';

export interface Session {
  /** `ses_…` */
  readonly id: string;
  readonly userId: string;
  readonly deviceName: string | null;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly expiresAt: number;
  readonly revokedAt: number | null;
  readonly revokeReason: string | null;
}

/** A refresh token as stored: its hash, never the token. */
export interface RefreshTokenRecord {
  /** SHA-256 hex of the token. */
  readonly tokenHash: string;
  readonly sessionId: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly spentAt: number | null;
  /** The hash of the token that replaced it, once spent. */
  readonly successorHash: string | null;
}
