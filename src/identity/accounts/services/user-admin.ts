/**
 * Platform user management (test/fixtures/spec-api-v1.md, "Platform users"): create (with a password, or with a
 * one-time set-password token returned once), list by cursor, read, rename, disable/enable, erase,
 * revoke every session. The rules:
 * 1. every change is audited with actor, target, IP and request id — never a password or token —
 *    and the entry is recorded first (`auditedChange`): a change whose entry cannot be recorded
 *    does not happen, and one that fails afterwards is followed by a `failure` entry;
 * 2. at or below: an actor changes, disables, signs out or erases no user whose platform role
 *    (their role in the `system` org: owner above admin above any other) is above their own — 403
 *    `forbidden`, recorded as a failure, nothing changed (as the membership routes rule in an org);
 * 3. neither a disable nor an erasure may remove the last active owner of the `system` org (409
 *    `conflict`);
 * 4. erasure revokes every session (store, local set, bus — which drops the user's API keys and
 *    service clients from every instance's caches), runs the erasure steps later capabilities
 *    registered (`onErase`: credentials revokes the user's service clients), then removes the user
 *    leaving session tombstones (docs/decisions/004-user-deletion.md).
 */
import { hashPasswordToken, newPasswordToken } from '../crypto/password-token.js';
import type { PasswordHasher } from '../crypto/password-hasher.js';
import { newId } from '../../../kernel/crypto/random-id.js';
import { auditedChange } from '../../../kernel/audited-change.js';
import { DomainError } from '../../../kernel/domain/errors.js';
import type { PasswordPolicy } from '../domain/password-policy.js';
import type { Secret } from '../../../kernel/domain/secret.js';
import { normaliseEmail, SYSTEM_ORG_SLUG, type User } from '../domain/user.js';
import type { AccountStore } from '../ports/account-store.js';
import type { AuditAction } from '../../../kernel/domain/audit-entry.js';
import type { AuditEvent, AuditLog } from '../../../kernel/ports/audit-log.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { PasswordTokenStore } from '../ports/password-token-store.js';
import type { PlatformOwners } from '../ports/platform-owners.js';
import type { UserStore } from '../ports/user-store.js';
import { requireAcceptablePassword } from './new-password.js';
import type { RequestContext, UserActor } from '../../../kernel/domain/request-context.js';
import type { SessionRevoker } from '../../sessions/services/session-revoker.js';
import type { SecurityEventRecorder } from '../../security/domain/security-event.js';
import type { UserStatusService } from './user-status.js';

/** A set-password token lives 24 hours. */
export const PASSWORD_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

export interface UserAdminOptions {
  readonly users: UserStore;
  readonly accounts: AccountStore;
  readonly passwordTokens: PasswordTokenStore;
  readonly status: UserStatusService;
  readonly revoker: SessionRevoker;
  /** Keeps the `system` org from losing its last active owner through a disable or an erasure. */
  readonly owners: PlatformOwners;
  readonly hasher: PasswordHasher;
  readonly policy: PasswordPolicy;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** Tells the account's owner that an administrator signed them out everywhere (identity/security/). */
  readonly securityEvents?: SecurityEventRecorder;
}

/** Who acts and from where. */
export type Actor = UserActor;

export interface CreatedUser {
  readonly user: User;
  /** Present when the user was created without a password: shown once. */
  readonly passwordToken?: Secret<string>;
  readonly passwordTokenExpiresAt?: number;
}

/**
 * A step of every erasure that a later capability contributes (credentials: revoke the user's
 * service clients). It runs after the entry is recorded and the sessions are revoked, before the
 * account is removed; a step that rejects fails the erasure, the user left disabled.
 */
export type ErasureStep = (userId: string, context: RequestContext) => Promise<void>;

/** Platform roles by rank: the `system` org's owners above its admins above everyone else. */
const PLATFORM_RANK: Readonly<Record<string, number>> = Object.freeze({ owner: 2, admin: 1 });

export interface UserChange {
  readonly disabled?: boolean;
  readonly name?: string | null;
}

export class UserAdminService {
  readonly #o: UserAdminOptions;
  readonly #erasureSteps: ErasureStep[] = [];

  constructor(options: UserAdminOptions) {
    this.#o = options;
  }

  /** Adds a step every erasure runs (see {@link ErasureStep}); composition calls it, once per step. */
  onErase(step: ErasureStep): void {
    this.#erasureSteps.push(step);
  }

  async create(input: { email: string; name?: string; password?: Secret<string> }, actor: Actor): Promise<CreatedUser> {
    const { users, hasher, policy, clock } = this.#o;
    if (input.password !== undefined) requireAcceptablePassword(policy, input.password, 'password', { email: input.email });
    const email = normaliseEmail(input.email);
    if ((await users.findByEmail(email)) !== undefined) throw new DomainError('conflict', 'An account with this email exists');
    const passwordHash = input.password === undefined ? null : await hasher.hash(input.password);
    const id = newId('usr');
    const now = clock.now();
    const token = input.password === undefined ? newPasswordToken() : undefined;
    const expiresAt = now + PASSWORD_TOKEN_TTL_MS;
    await auditedChange(this.#o.audit, this.#event('user.create', id, actor, { invited: token !== undefined }), async () => {
      await users.create({ id, email, name: input.name ?? null, passwordHash, now });
      if (token !== undefined) await this.#o.passwordTokens.issue(hashPasswordToken(token.reveal()), id, now, expiresAt);
    });
    const user = await this.get(id);
    return token === undefined ? { user } : { user, passwordToken: token, passwordTokenExpiresAt: expiresAt };
  }

  list(afterId: string | undefined, limit: number, email: string | undefined): Promise<readonly User[]> {
    return this.#o.accounts.list({ afterId, limit, email: email === undefined ? undefined : normaliseEmail(email) });
  }

  async get(id: string): Promise<User> {
    const user = await this.#o.users.findById(id);
    if (user === undefined) throw new DomainError('not_found', 'No such user');
    return user;
  }

  async update(id: string, change: UserChange, actor: Actor): Promise<User> {
    await this.get(id);
    const details = {
      ...(change.disabled === undefined ? {} : { disabled: change.disabled }),
      ...(change.name === undefined ? {} : { renamed: true }),
    };
    await this.#requireAtOrBelow('user.update', id, actor, details);
    await auditedChange(this.#o.audit, this.#event('user.update', id, actor, details), async () => {
      // The guard first: a refused disable changes nothing, not even the name.
      if (change.disabled === true) await this.#disableUnlessLastOwner(id);
      if (change.name !== undefined && !(await this.#o.accounts.rename(id, change.name, this.#o.clock.now()))) {
        throw new DomainError('not_found', 'No such user');
      }
      // Disabling revokes every session at once (UserStatusService: store, local set, bus).
      if (change.disabled !== undefined) await this.#o.status.setStatus(id, change.disabled ? 'disabled' : 'active');
    });
    return this.get(id);
  }

  async erase(id: string, actor: Actor): Promise<void> {
    await this.get(id);
    await this.#requireAtOrBelow('user.delete', id, actor, {});
    await this.eraseAccount(id, this.#event('user.delete', id, actor, {}), actor);
  }

  /**
   * The erasure (GDPR Art. 17) that `DELETE /api/v1/users/{id}` and `DELETE /api/v1/me` share:
   * `event` is recorded first — when the log refuses it nothing changes (fail closed) — then the
   * user is disabled through the guard (409 for the last active owner of `system`, recorded as a
   * failure), every session is revoked on every instance (which also drops the user's API keys
   * and clients from every cache, through the bus), the erasure steps run (the user's service
   * clients are revoked), the account and its rows are deleted, and its personal fields erased
   * from the audit log, which stays verifiable.
   */
  async eraseAccount(id: string, event: AuditEvent, context: RequestContext): Promise<void> {
    await this.get(id);
    await auditedChange(this.#o.audit, event, async () => {
      await this.#disableUnlessLastOwner(id);
      await this.#o.revoker.revokeAllOfUser(id, 'user_deleted');
      for (const step of this.#erasureSteps) await step(id, context);
      if (!(await this.#o.accounts.erase(id, this.#o.clock.now()))) throw new DomainError('not_found', 'No such user');
    });
    await this.#o.audit.eraseSubject?.(id);
  }

  async revokeSessions(id: string, actor: Actor): Promise<void> {
    await this.get(id);
    await this.#requireAtOrBelow('user.sessions.revoke', id, actor, {});
    await auditedChange(this.#o.audit, this.#event('user.sessions.revoke', id, actor, {}), async () => {
      await this.#o.revoker.revokeAllOfUser(id, 'admin');
    });
    // The owner's notice names no administrator: only that it was done, when and from where.
    await this.#o.securityEvents?.record({ userId: id, kind: 'sessions_revoked_by_admin', context: actor });
  }

  /**
   * Refuses (403, recorded as a failure of `action`) when the target's platform role is above the
   * actor's: an admin of `system` cannot disable, sign out, rename or erase one of its owners.
   */
  async #requireAtOrBelow(action: AuditAction, target: string, actor: Actor, details: Readonly<Record<string, unknown>>): Promise<void> {
    if (target === actor.userId) return;
    const [own, theirs] = await Promise.all([this.#platformRank(actor.userId), this.#platformRank(target)]);
    if (theirs <= own) return;
    await this.#o.audit.record({ ...this.#event(action, target, actor, details), result: 'failure', reason: 'target_above_actor' });
    throw new DomainError('forbidden', "This user's platform role is above yours");
  }

  async #platformRank(userId: string): Promise<number> {
    const role = (await this.#o.users.memberships(userId)).find((m) => m.orgSlug === SYSTEM_ORG_SLUG)?.role;
    return role === undefined ? 0 : (PLATFORM_RANK[role] ?? 0);
  }

  /**
   * Disables the user unless it is the last active owner of the `system` org (409 `conflict`):
   * the platform must always keep someone who can manage it.
   */
  async #disableUnlessLastOwner(id: string): Promise<void> {
    const outcome = await this.#o.owners.disableUnlessLastOwner(id, this.#o.clock.now());
    if (outcome === 'not_found') throw new DomainError('not_found', 'No such user');
    if (outcome === 'last_owner') {
      throw new DomainError('conflict', 'This user is the last active owner of the system org: make another user an owner of it first');
    }
  }

  #event(action: AuditAction, target: string, actor: Actor, details: Readonly<Record<string, unknown>>): AuditEvent {
    return {
      org: SYSTEM_ORG_SLUG,
      actor: { type: 'user', id: actor.userId },
      action,
      resource: target,
      result: 'success',
      sourceIp: actor.ip,
      requestId: actor.requestId,
      ...(actor.userAgent === undefined ? {} : { userAgent: actor.userAgent }),
      details,
      subject: target,
    };
  }
}
