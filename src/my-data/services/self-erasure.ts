/**
 * The caller's erasure of their own account (test/fixtures/spec-api-v1.md, "The caller": `DELETE /api/v1/me`,
 * GDPR Art. 17). Rules, in order:
 * 1. only an active account with a password can do it: an account without one (invited, never
 *    set) is refused with 409 `conflict` — it must set a password first, so that the erasure is
 *    always confirmed by a secret only the user knows;
 * 2. the attempt counts against the login limits (per IP, per (IP, account)) and honours the
 *    account's backoff, and a wrong password counts a login failure, so this route is no password
 *    oracle that login's limits do not cover; every refusal is the same 401 `invalid_credentials`;
 * 3. an account with a confirmed second factor must also give `code` (a TOTP code or a recovery
 *    code): without it 401 `mfa_required`, a wrong one 401 `invalid_credentials` (counted too);
 * 4. the sole owner of an org (other than `system`) is refused with 409 `conflict` naming the orgs,
 *    whether or not the org has other members: another member must become an owner first, or the
 *    org be deleted explicitly (`DELETE /api/v1/orgs/{org}`) — an account erasure never deletes an
 *    org's data as a side effect; the last active owner of `system` is refused by the platform guard;
 * 5. the erasure is the platform's (`UserAdminService.eraseAccount`), audited as `user.erase` by the
 *    user before anything is removed (fail closed); like an admin's erasure it revokes every
 *    service client the user created. Refusals are audited as failures.
 */
import type { PasswordHasher } from '../../identity/index.js';
import { DomainError } from '../../kernel/domain/errors.js';
import type { Secret } from '../../kernel/domain/secret.js';
import { SYSTEM_ORG_SLUG } from '../../kernel/domain/system-org.js';
import { type User } from '../../identity/index.js';
import type { AuditAction } from '../../kernel/domain/audit-entry.js';
import type { AuditLog } from '../../kernel/ports/audit-log.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { OrgOwnership } from '../ports/org-ownership.js';
import type { UserStore } from '../../identity/index.js';
import type { LoginLimiter } from '../../identity/index.js';
import { callerAddress, userAuditEvent, type RequestContext } from '../../kernel/domain/request-context.js';
import type { GuessBudget, SecondFactor } from '../../identity/index.js';
import type { UserAdminService } from '../../identity/index.js';

export interface SelfErasureOptions {
  readonly users: Pick<UserStore, 'findById' | 'recordLoginFailure'>;
  readonly hasher: Pick<PasswordHasher, 'verify' | 'dummyVerify'>;
  readonly limiter: Pick<LoginLimiter, 'check'>;
  readonly factor: Pick<SecondFactor, 'check'>;
  /** The account's password guessing budget, shared with every route that checks the password (the code's is spent by `factor`). */
  readonly budget: Pick<GuessBudget, 'spend'>;
  readonly mfa: { isEnabled(userId: string): Promise<boolean> };
  readonly ownership: OrgOwnership;
  readonly admin: Pick<UserAdminService, 'eraseAccount'>;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

/** The proof the caller gives: the password, and a second-factor code when one is enrolled. */
export interface ErasureProof {
  readonly password: Secret<string>;
  readonly code?: Secret<string>;
}

const ACTION = 'user.erase' satisfies AuditAction;

export class SelfErasure {
  readonly #o: SelfErasureOptions;

  constructor(options: SelfErasureOptions) {
    this.#o = options;
  }

  async erase(userId: string, proof: ErasureProof, context: RequestContext): Promise<void> {
    const user = await this.#o.users.findById(userId);
    if (user === undefined || user.status !== 'active') throw new DomainError('session_revoked', 'The account is no longer active');
    if (user.passwordHash === null) {
      await this.#failed(userId, 'no_password', context);
      throw new DomainError('conflict', 'This account has no password: set one first, then confirm the erasure with it');
    }
    await this.#reauthenticate(user, user.passwordHash, proof, context);
    await this.#refuseSoleOwner(userId, context);
    // The entry is recorded before anything changes; the erasure also revokes the user's service clients.
    await this.#o.admin.eraseAccount(userId, userAuditEvent({ userId, action: ACTION, resource: userId, context }), context);
  }

  async #reauthenticate(user: User, hash: string, proof: ErasureProof, context: RequestContext): Promise<void> {
    const { hasher, clock } = this.#o;
    try {
      await this.#o.limiter.check(callerAddress(context), user.email);
      await this.#o.budget.spend(user.id, 'password');
    } catch (error) {
      if (error instanceof DomainError && error.code === 'rate_limited') await this.#failed(user.id, 'rate_limited', context);
      throw error;
    }
    const now = clock.now();
    if (user.nextLoginAt !== null && now < user.nextLoginAt) {
      await hasher.dummyVerify(proof.password);
      return this.#refuse(user.id, 'backoff', context);
    }
    if (!(await hasher.verify(hash, proof.password)).ok) return this.#refuseCounted(user.id, 'wrong_password', context, now);
    if (!(await this.#o.mfa.isEnabled(user.id))) return;
    if (proof.code === undefined) {
      await this.#failed(user.id, 'mfa_required', context);
      throw new DomainError('mfa_required', 'This account has a second factor: give `code`, a TOTP code or a recovery code');
    }
    if ((await this.#o.factor.check(user.id, proof.code)) === null) return this.#refuseCounted(user.id, 'wrong_code', context, now);
  }

  async #refuseSoleOwner(userId: string, context: RequestContext): Promise<void> {
    const owned = (await this.#o.ownership.soleOwnerships(userId)).filter((org) => org.orgSlug !== SYSTEM_ORG_SLUG);
    if (owned.length === 0) return;
    await this.#failed(userId, 'sole_owner', context);
    const others = (members: number): string => (members === 1 ? 'no other member' : `other members: ${members - 1}`);
    const names = owned.map((org) => `${org.orgSlug} (${others(org.members)})`);
    throw new DomainError(
      'conflict',
      `You are the only owner of ${names.join(', ')}: make another member an owner, or delete the org, before erasing your account`,
    );
  }

  /** A wrong password or code: its entry first (fail closed), then the login failure it counts. */
  async #refuseCounted(userId: string, reason: string, context: RequestContext, now: number): Promise<never> {
    await this.#failed(userId, reason, context);
    await this.#o.users.recordLoginFailure(userId, now);
    throw new DomainError('invalid_credentials', 'The password or code is not correct');
  }

  async #refuse(userId: string, reason: string, context: RequestContext): Promise<never> {
    await this.#failed(userId, reason, context);
    throw new DomainError('invalid_credentials', 'The password or code is not correct');
  }

  async #failed(userId: string, reason: string, context: RequestContext): Promise<void> {
    await this.#o.audit.record(userAuditEvent({ userId, action: ACTION, resource: userId, context, reason }));
  }
}
