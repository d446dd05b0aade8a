/**
 * The email flows' one-time tokens, as data: what each is for, how long it lives, and the address
 * it was mailed to — a token works only while the account still has the address it was bound to
 * (verify, reset) or for the address it names (change). Pure.
 */

export type EmailTokenPurpose = 'verify' | 'reset' | 'change';

/** How long each kind of token lives (ms): a reset 30 minutes, a verification a day, a change an hour. */
export const EMAIL_TOKEN_TTL_MS: Readonly<Record<EmailTokenPurpose, number>> = Object.freeze({
  verify: 24 * 60 * 60 * 1000,
  reset: 30 * 60 * 1000,
  change: 60 * 60 * 1000,
});

/** A stored token, found by its hash. */
export interface EmailToken {
  readonly purpose: EmailTokenPurpose;
  readonly userId: string;
  /** The address the token was mailed to: the account's address (verify, reset) or the new one (change). */
  readonly email: string;
  readonly expiresAt: number;
}

export function isEmailTokenPurpose(value: string): value is EmailTokenPurpose {
  return value === 'verify' || value === 'reset' || value === 'change';
}
