/**
 * Platform user management (test/fixtures/spec-api-v1.md, "Platform users"): create (with a password, or with a
 * one-time set-password token returned once), list by cursor, read, rename, disable/enable, erase,
 * revoke every session. Every change is audited with actor, target, IP and request id — never a
 * password or token. Erasure is audited first (fail closed), revokes every session (store, local
 * set, bus), then removes the user leaving session tombstones (docs/decisions/004-user-deletion.md).
 * Neither a disable nor an erasure may remove the last active owner of the `system` org (409
 * `conflict`).
 */
import { hashPasswordToken, newPasswordToken } from '../crypto/password-token.js';
import type { PasswordHasher } from '../crypto/password-hasher.js';
import { newId } from '../../../kernel/crypto/random-id.js';
import { DomainError } from '../../../kernel/domain/errors.js';
import type { PasswordPolicy } from '../domain/password-policy.js';
import type { Secret } from '../../../kernel/domain/secret.js';
import { normaliseEmail, SYSTEM_ORG_SLUG, type User } from '../domain/user.js';
import type { AccountStore } from '../ports/account-store.js';
import type { AuditAction } from '../../../kernel/domain/audit-entry.js';
import type { AuditLog } from '../../../kernel/ports/audit-log.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { PasswordTokenStore } from '../ports/password-token-store.js';
import type { PlatformOwners } from '../ports/platform-owners.js';
import type { UserStore } from '../ports/user-store.js';
import { requireAcceptablePassword } from './new-password.js';
import type { UserActor } from '../../../kernel/domain/request-context.js';
import type { SessionRevoker } from '../../sessions/services/session-revoker.js';
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
}

/** Who acts and from where. */
export type Actor = UserActor;

export interface CreatedUser {
  readonly user: User;
  /** Present when the user was created without a password: shown once. */
  readonly passwordToken?: Secret<string>;
  readonly passwordTokenExpiresAt?: number;
}

export interface UserChange {
  readonly disabled?: boolean;
  readonly name?: string | null;
}

export class UserAdminService {
  readonly #o: UserAdminOptions;

  constructor(options: UserAdminOptions) {
    this.#o = options;
  }

  async create(input: { email: string; name?: string; password?: Secret<string> }, actor: Actor): Promise<CreatedUser> {
    const { users, hasher, policy, clock } = this.#o;
    if (input.password !== undefined) requireAcceptablePassword(policy, input.password, 'password');
    const passwordHash = input.password === undefined ? null : await hasher.hash(input.password);
    const id = newId('usr');
    const now = clock.now();
    await users.create({ id, email: normaliseEmail(input.email), name: input.name ?? null, passwordHash, now });
    let created: CreatedUser = { user: await this.get(id) };
    if (input.password === undefined) {
      const token = newPasswordToken();
      const expiresAt = now + PASSWORD_TOKEN_TTL_MS;
      await this.#o.passwordTokens.issue(hashPasswordToken(token.reveal()), id, now, expiresAt);
      created = { ...created, passwordToken: token, passwordTokenExpiresAt: expiresAt };
    }
    await this.#audit('user.create', id, actor, { invited: input.password === undefined });
    return created;
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
    // The guard first: a refused disable changes nothing, not even the name.
    if (change.disabled === true) await this.#disableUnlessLastOwner(id);
    if (change.name !== undefined && !(await this.#o.accounts.rename(id, change.name, this.#o.clock.now()))) {
      throw new DomainError('not_found', 'No such user');
    }
    // Disabling revokes every session at once (UserStatusService: store, local set, bus).
    if (change.disabled !== undefined) await this.#o.status.setStatus(id, change.disabled ? 'disabled' : 'active');
    await this.#audit('user.update', id, actor, {
      ...(change.disabled === undefined ? {} : { disabled: change.disabled }),
      ...(change.name === undefined ? {} : { renamed: true }),
    });
    return this.get(id);
  }

  async erase(id: string, actor: Actor): Promise<void> {
    await this.eraseAccount(id, () => this.#audit('user.delete', id, actor, {}));
  }

  /**
   * The erasure (GDPR Art. 17) that `DELETE /api/v1/users/{id}` and `DELETE /api/v1/me` share:
   * the user is disabled through the guard (409 for the last active owner of `system`), then
   * `record` writes the audit entry — when it rejects, the user is enabled again and nothing else
   * changed (fail closed) — then every session is revoked on every instance (which also drops the
   * user's API keys from every cache, through the bus), the account and its rows are deleted, and
   * its personal fields erased from the audit log, which stays verifiable.
   */
  async eraseAccount(id: string, record: () => Promise<void>): Promise<void> {
    const before = await this.get(id);
    // Disabled first, through the guard: a user who is no longer an active owner can go.
    await this.#disableUnlessLastOwner(id);
    try {
      await record();
    } catch (error) {
      if (before.status === 'active') await this.#o.users.setStatus(id, 'active', this.#o.clock.now());
      throw error;
    }
    await this.#o.revoker.revokeAllOfUser(id, 'user_deleted');
    if (!(await this.#o.accounts.erase(id, this.#o.clock.now()))) throw new DomainError('not_found', 'No such user');
    await this.#o.audit.eraseSubject?.(id);
  }

  async revokeSessions(id: string, actor: Actor): Promise<void> {
    await this.get(id);
    const ids = await this.#o.revoker.revokeAllOfUser(id, 'admin');
    await this.#audit('user.sessions.revoke', id, actor, { sessions: ids.length });
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

  async #audit(action: AuditAction, target: string, actor: Actor, details: Readonly<Record<string, unknown>>): Promise<void> {
    await this.#o.audit.record({
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
    });
  }
}
