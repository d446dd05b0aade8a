/**
 * Setting a password: with a one-time set-password token (checked first, then — after the entry —
 * consumed atomically by the store with the change, so of two concurrent uses exactly one
 * succeeds, and a log that cannot record leaves the token unused), or by the caller with its current
 * password, which revokes every other session of the caller (test/fixtures/spec-api-v1.md, "The caller"). The
 * policy applies to both; neither the password nor the token is ever audited.
 *
 * The caller's change (docs/decisions/012-step-up.md):
 * 1. the current password is checked only after one attempt of the account's password budget is
 *    spent (sessions/services/guess-budget.ts): past it 429, so this route is no password oracle;
 * 2. the current password is the change's step-up: the session it came with is fresh afterwards;
 * 3. `revokeApiKeys` also revokes every live API key of the caller, through the hook the
 *    credentials capability registers (identity cannot reach API keys itself); the answer says
 *    which were revoked;
 * 4. the change is recorded before it runs (fail closed); refusals are audited as failures.
 */
import { hashPasswordToken } from '../crypto/password-token.js';
import type { PasswordHasher } from '../crypto/password-hasher.js';
import { DomainError, validationFailed } from '../../../kernel/domain/errors.js';
import { samePassword } from '../crypto/same-password.js';
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
import type { GuessBudget } from '../../sessions/services/guess-budget.js';
import { auditedChange } from '../../../kernel/audited-change.js';
import type { SecurityEventRecorder } from '../../security/domain/security-event.js';

/**
 * Revokes every live API key of `userId` and resolves with their ids: registered by the
 * credentials capability (`Identity.passwordChangeHooks`), called when a password change asks for it.
 */
export type ApiKeyRevocationHook = (userId: string, context: RequestContext) => Promise<readonly string[]>;

/** What a password change revoked besides the other sessions. */
export interface PasswordChanged {
  /** Ids of the API keys revoked (empty unless the change asked for it). */
  readonly revokedApiKeys: readonly string[];
}

/** Where later capabilities hook into a password change. */
export class PasswordChangeHooks {
  #revokeApiKeys: ApiKeyRevocationHook | undefined;

  /** Registers the one API-key revoker (a second registration is a wiring error). */
  onRevokeApiKeys(hook: ApiKeyRevocationHook): void {
    if (this.#revokeApiKeys !== undefined) throw new Error('an API-key revocation hook is already registered');
    this.#revokeApiKeys = hook;
  }

  /** Runs the registered revoker; no revoker registered (no API keys here) revokes nothing. */
  revokeApiKeys(userId: string, context: RequestContext): Promise<readonly string[]> {
    return this.#revokeApiKeys === undefined ? Promise.resolve([]) : this.#revokeApiKeys(userId, context);
  }
}

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
  /** The per-account guess budget: the current password spends one `password` attempt. */
  readonly budget: Pick<GuessBudget, 'spend'>;
  readonly hooks: PasswordChangeHooks;
  /** Tells the account's owner of the change by mail, after it is done (identity/security/). */
  readonly securityEvents?: SecurityEventRecorder;
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
    const tokenHash = hashPasswordToken(token.reveal());
    const userId = await passwordTokens.findUsable(tokenHash, clock.now());
    if (userId === undefined) {
      await this.#audit('user.password.set', null, context, 'token_invalid');
      throw new DomainError('token_invalid', 'The set-password token is not valid');
    }
    // The account's own email parts (V6.2.11), known once the token names the account; nothing is spent yet.
    const owner = await this.#o.users.findById(userId);
    if (owner !== undefined) requireAcceptablePassword(policy, password, 'password', { email: owner.email });
    const hash = await hasher.hash(password);
    const event = userAuditEvent({ userId, action: 'user.password.set', resource: userId, context });
    // Entry first; the token is spent with the change (a concurrent use that spent it first leaves
    // this one `not_applied:token_invalid`).
    await auditedChange(this.#o.audit, event, async () => {
      const used = await passwordTokens.consume(tokenHash, clock.now());
      if (used !== userId || !(await this.#o.accounts.setPassword(userId, hash, clock.now()))) {
        throw new DomainError('token_invalid', 'The set-password token is not valid');
      }
      await this.#o.revoker.revokeAllOfUser(userId, 'password_changed');
    });
    await this.#o.securityEvents?.record({ userId, kind: 'password_changed', context, details: { how: 'set-password link' } });
  }

  /** The caller's change: the current password must verify; other sessions are revoked. */
  async change(
    userId: string,
    sessionId: string | undefined,
    current: Secret<string>,
    next: Secret<string>,
    context: RequestContext,
    options: { readonly revokeApiKeys?: boolean } = {},
  ): Promise<PasswordChanged> {
    const { users, hasher, policy, clock } = this.#o;
    const user = await users.findById(userId);
    if (user === undefined || user.status !== 'active') throw new DomainError('session_revoked', 'The account is no longer active');
    try {
      await this.#o.budget.spend(userId, 'password');
    } catch (error) {
      if (error instanceof DomainError && error.code === 'rate_limited')
        await this.#audit('user.password.change', userId, context, 'rate_limited');
      throw error;
    }
    const verified = user.passwordHash === null ? { ok: false } : await hasher.verify(user.passwordHash, current);
    if (!verified.ok) {
      await this.#audit('user.password.change', userId, context, 'invalid_credentials');
      throw new DomainError('invalid_credentials', 'The current password is not correct');
    }
    requireAcceptablePassword(policy, next, 'new_password', { email: user.email });
    // A "change" to the same password would lift a must-change mark (V6.4.1) and change nothing.
    if (samePassword(current, next)) throw validationFailed([{ field: 'new_password', reason: 'must differ from the current password' }]);
    const hash = await hasher.hash(next);
    const revokeApiKeys = options.revokeApiKeys === true;
    const event = userAuditEvent({
      userId,
      action: 'user.password.change',
      resource: userId,
      context,
      details: { revoke_keys: revokeApiKeys },
    });
    const revokedApiKeys = await auditedChange(this.#o.audit, event, async () => {
      const now = clock.now();
      // What goes with the new password is done first and the password is set last, so that a
      // failure on the way leaves the old password (as the `not_applied` entry says) and, at
      // worst, fewer live sessions and keys — never a new password beside the old sessions.
      for (const session of await this.#o.sessions.listLive(userId, now)) {
        if (session.id !== sessionId) await this.#o.revoker.revoke(session.id, 'password_changed');
      }
      const revoked = revokeApiKeys ? await this.#o.hooks.revokeApiKeys(userId, context) : [];
      await this.#o.accounts.setPassword(userId, hash, now);
      return revoked;
    });
    // The current password was just proven on this session: it counts as a step-up.
    if (sessionId !== undefined) await this.#o.sessions.markAuthenticated(sessionId, userId, clock.now());
    await this.#o.securityEvents?.record({ userId, kind: 'password_changed', context });
    return Object.freeze({ revokedApiKeys: Object.freeze([...revokedApiKeys]) });
  }

  /** A success, or with `reason` a refused attempt; `userId` is null when no account is known. */
  async #audit(action: AuditAction, userId: string | null, context: RequestContext, reason?: string): Promise<void> {
    await this.#o.audit.record(userAuditEvent({ userId, action, resource: userId ?? 'unknown_account', context, reason }));
  }
}
