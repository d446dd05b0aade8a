/**
 * The email flows' storage: one-time tokens (by hash) and the account changes each token makes.
 * Every `apply…` consumes the token and makes its change in ONE transaction — the token is spent
 * only with the change, and of two concurrent uses exactly one succeeds.
 */
import type { EmailToken, EmailTokenPurpose } from '../domain/email-token.js';

export interface NewEmailToken {
  readonly tokenHash: string;
  readonly purpose: EmailTokenPurpose;
  readonly userId: string;
  readonly email: string;
  readonly now: number;
  readonly expiresAt: number;
}

export interface EmailTokenStore {
  /** Stores a token; the user's earlier unused tokens of the same purpose stop working (only the newest link works). */
  issue(token: NewEmailToken): Promise<void>;
  /** The unused, unexpired token with this hash. */
  findUsable(tokenHash: string, now: number): Promise<EmailToken | undefined>;
  /** Spends a `verify` token and marks the address verified, if the account still has it; `false` when either failed. */
  applyVerify(tokenHash: string, token: EmailToken, now: number): Promise<boolean>;
  /**
   * Spends a `change` token and switches the account to its address, verified; `false` when the
   * token was spent meanwhile. Rejects with `conflict` (nothing changed, the token unspent) when
   * another account has the address by now.
   */
  applyChange(tokenHash: string, token: EmailToken, now: number): Promise<{ readonly oldEmail: string } | undefined>;
  /**
   * Spends a `reset` token and sets the password hash (clearing the login backoff), if the account
   * still has the address the token was mailed to — which it thereby proved, so it is verified too.
   */
  applyReset(tokenHash: string, token: EmailToken, passwordHash: string, now: number): Promise<boolean>;
  /** Deletes tokens that expired before `before`; resolves with how many. */
  purgeExpired(before: number): Promise<number>;
}
