/**
 * The account's past successful sign-ins, as the login throttle reads them to tell a device that
 * signed in before (docs/decisions/011-login-throttling.md). Every successful sign-in opens a
 * session row that outlives its revocation, so the sessions are that history; nothing new is stored.
 */
import type { PastSignIn } from '../domain/login-trust.js';

export type { PastSignIn };

/**
 * Guarantees: `recent` reads only the user's own sign-ins, those created at or after `since`,
 * newest first, at most `limit` of them; a failure of the backing store rejects (the caller
 * then treats the attempt as untrusted: fail closed).
 */
export interface SignInHistory {
  recent(userId: string, since: number, limit: number): Promise<readonly PastSignIn[]>;
}
