/**
 * One-time set-password tokens (an invitation or a reset). Stored as SHA-256 hex only.
 */

/**
 * Guarantees:
 * - `consume` is atomic: of N concurrent consumers of one token, on any number of instances, at
 *   most one receives the user id; a token is consumed only while unused and unexpired;
 * - a failure of the backing store rejects the promise.
 */
export interface PasswordTokenStore {
  issue(tokenHash: string, userId: string, now: number, expiresAt: number): Promise<void>;
  /**
   * The user id of a token that is unused and unexpired at `now`, changing nothing: what a
   * service checks before it records its entry; only `consume` decides who uses the token.
   */
  findUsable(tokenHash: string, now: number): Promise<string | undefined>;
  /** Marks the token used; resolves with its user id when this call used it, else `undefined`. */
  consume(tokenHash: string, now: number): Promise<string | undefined>;
}
