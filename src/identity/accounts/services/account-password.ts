/**
 * Setting a password: with a one-time set-password token (consumed atomically by the store before
 * anything else, so of two concurrent uses exactly one succeeds), or by the caller with its current
 * password, which revokes every other session of the caller (test/fixtures/spec-api-v1.md, "The caller"). The
 * policy applies to both; neither the password nor the token is ever audited.
 */
import { hashPasswordToken } from '../crypto/password-token.js';
import type { PasswordHasher } from '../crypto/password-hasher.js';
import { DomainError } from '../../../kernel/domain/errors.js';
import type { PasswordPolicy } from '../domain/password-policy.js';
import type { Secret } from '../../../kernel/domain/secret.js';
import type { AccountStore } from '../ports/account-store.js';
import type { AuditAction } from '../../../kernel/domain/audit-entry.js';
import type { AuditLog } from '../../../kernel/ports/audit-log.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { PasswordTokenStore } from '../ports/password-token-store.js';
import type { SessionStore } from '../../sessions/ports/session-store.js';
import type { UserStore } from '../ports/user-store.js';
import { requireAcceptablePassword } from './new-password.js';
import { userAuditEvent, type RequestContext } from '../../../kernel/domain/request-context.js';
import type { SessionRevoker } from '../../sessions/services/session-revoker.js';

export interface AccountPasswordOptions {
  readonly users: UserStore;
  readonly accounts: AccountStore;
  readonly sessions: SessionStore;
  readonly passwordTokens: PasswordTokenStore;
  readonly revoker: SessionRevoker;
  readonly hasher: PasswordHasher;
  readonly policy: PasswordPolicy;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

export class AccountPasswordService {
  readonly #o: AccountPasswordOptions;

  constructor(options: AccountPasswordOptions) {
    this.#o = options;
  }

  /** Sets the password named by a one-time token; every session of the user is revoked. */
  async setWithToken(token: Secret<string>, password: Secret<string>, context: RequestContext): Promise<void> {
    const { passwordTokens, hasher, policy, clock } = this.#o;
    // The policy first: a refused password must not spend the token.
    requireAcceptablePassword(policy, password, 'password');
    const userId = await passwordTokens.consume(hashPasswordToken(token.reveal()), clock.now());
    if (userId === undefined) {
      await this.#audit('user.password.set', null, context, 'token_invalid');
      throw new DomainError('token_invalid', 'The set-password token is not valid');
    }
    const hash = await hasher.hash(password);
    if (!(await this.#o.accounts.setPassword(userId, hash, clock.now()))) {
      throw new DomainError('token_invalid', 'The set-password token is not valid');
    }
    await this.#o.revoker.revokeAllOfUser(userId, 'password_changed');
    await this.#audit('user.password.set', userId, context);
  }

  /** The caller's change: the current password must verify; other sessions are revoked. */
  async change(
    userId: string,
    sessionId: string | undefined,
    current: Secret<string>,
    next: Secret<string>,
    context: RequestContext,
  ): Promise<void> {
    const { users, hasher, policy, clock } = this.#o;
    const user = await users.findById(userId);
    if (user === undefined || user.status !== 'active') throw new DomainError('session_revoked', 'The account is no longer active');
    const verified = user.passwordHash === null ? { ok: false } : await hasher.verify(user.passwordHash, current);
    if (!verified.ok) {
      await this.#audit('user.password.change', userId, context, 'invalid_credentials');
      throw new DomainError('invalid_credentials', 'The current password is not correct');
    }
    requireAcceptablePassword(policy, next, 'new_password');
    await this.#o.accounts.setPassword(userId, await hasher.hash(next), clock.now());
    for (const session of await this.#o.sessions.listLive(userId, clock.now())) {
      if (session.id !== sessionId) await this.#o.revoker.revoke(session.id, 'password_changed');
    }
    await this.#audit('user.password.change', userId, context);
  }

  /** A success, or with `reason` a refused attempt; `userId` is null when no account is known. */
  async #audit(action: AuditAction, userId: string | null, context: RequestContext, reason?: string): Promise<void> {
    await this.#o.audit.record(userAuditEvent({ userId, action, resource: userId ?? 'unknown_account', context, reason }));
  }
}
