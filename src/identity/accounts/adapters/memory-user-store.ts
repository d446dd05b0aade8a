/**
 * The reference {@link UserStore}: one process, no persistence; the executable specification the
 * SQL adapter is tested against (test/contract/user-store.contract.ts). Each method does its work
 * synchronously, so it is atomic within the process.
 */
import { DomainError } from '../../../kernel/domain/errors.js';
import { loginBackoffMs, type Membership, type Org, type User, type UserStatus } from '../domain/user.js';
import type { NewUser, UserStore } from '../ports/user-store.js';

function newUser(user: NewUser): User {
  return Object.freeze({
    id: user.id,
    email: user.email,
    name: user.name,
    passwordHash: user.passwordHash,
    status: 'active',
    createdAt: user.now,
    updatedAt: user.now,
    passwordChangedAt: user.passwordHash === null ? null : user.now,
    failedLogins: 0,
    nextLoginAt: null,
    emailVerifiedAt: user.emailVerifiedAt ?? null,
  });
}

export class MemoryUserStore implements UserStore {
  readonly #users = new Map<string, User>();
  readonly #orgs = new Map<string, Org>();
  readonly #memberships: { orgId: string; userId: string; role: string }[] = [];

  create(user: NewUser): Promise<void> {
    if ([...this.#users.values()].some((u) => u.email === user.email)) {
      return Promise.reject(new DomainError('conflict', 'An account with this email exists'));
    }
    this.#users.set(user.id, newUser(user));
    return Promise.resolve();
  }

  bootstrap(org: Org, user: NewUser, role: string): Promise<boolean> {
    if (this.#users.size > 0 || [...this.#orgs.values()].some((o) => o.slug === org.slug)) return Promise.resolve(false);
    this.#orgs.set(org.id, Object.freeze({ ...org }));
    this.#users.set(user.id, newUser(user));
    this.#memberships.push({ orgId: org.id, userId: user.id, role });
    return Promise.resolve(true);
  }

  findById(id: string): Promise<User | undefined> {
    return Promise.resolve(this.#users.get(id));
  }

  findByEmail(email: string): Promise<User | undefined> {
    return Promise.resolve([...this.#users.values()].find((u) => u.email === email));
  }

  count(): Promise<number> {
    return Promise.resolve(this.#users.size);
  }

  memberships(userId: string): Promise<readonly Membership[]> {
    const found = this.#memberships
      .filter((m) => m.userId === userId)
      .sort((a, b) => (a.orgId < b.orgId ? -1 : 1))
      .map((m) => Object.freeze({ orgId: m.orgId, orgSlug: this.#orgs.get(m.orgId)?.slug ?? '', role: m.role }));
    return Promise.resolve(found);
  }

  recordLoginFailure(id: string, now: number): Promise<User | undefined> {
    const user = this.#users.get(id);
    if (user === undefined) return Promise.resolve(undefined);
    const failedLogins = user.failedLogins + 1;
    const delay = loginBackoffMs(failedLogins);
    const deadline = delay > 0 ? now + delay : null;
    const nextLoginAt = deadline !== null && (user.nextLoginAt === null || user.nextLoginAt < deadline) ? deadline : user.nextLoginAt;
    const updated = Object.freeze({ ...user, failedLogins, nextLoginAt });
    this.#users.set(id, updated);
    return Promise.resolve(updated);
  }

  recordLoginSuccess(id: string, now: number, passwordHash?: string): Promise<void> {
    const user = this.#users.get(id);
    if (user !== undefined) {
      const rehash = passwordHash === undefined ? {} : { passwordHash, updatedAt: now };
      this.#users.set(id, Object.freeze({ ...user, failedLogins: 0, nextLoginAt: null, ...rehash }));
    }
    return Promise.resolve();
  }

  setStatus(id: string, status: UserStatus, now: number): Promise<boolean> {
    const user = this.#users.get(id);
    if (user === undefined) return Promise.resolve(false);
    this.#users.set(id, Object.freeze({ ...user, status, updatedAt: now }));
    return Promise.resolve(true);
  }
}
