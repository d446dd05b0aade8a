/**
 * What "this wasn't me" asks of the account's password: a reset. Implemented by the email flows
 * when they are composed (a reset link mailed to the account's address).
 */
import type { RequestContext } from '../../../kernel/domain/request-context.js';
import type { User } from '../../accounts/domain/user.js';

/** Guarantees: starts a password reset of `user` (mails its link); rejects when it could not. */
export interface PasswordResetRequest {
  requestReset(user: User, context: RequestContext): Promise<void>;
}
