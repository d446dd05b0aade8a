/**
 * Where accounts, the minimal org table and memberships live (identity; tenancy extends orgs).
 */
import type { Membership, Org, User, UserStatus } from '../domain/user.js';

/** A new account. `email` must already be lower-cased. */
export interface NewUser {
  readonly id: string;
  readonly email: string;
  readonly name: string | null;
  readonly passwordHash: string | null;
  readonly now: number;
  /** The password must be changed at first login before anything else (V6.4.1: the bootstrap admin). */
  readonly passwordChangeRequired?: boolean;
  /** When the email was verified, if it already is (an account provisioned from a provider that verified it). */
  readonly emailVerifiedAt?: number;
}

/**
 * Guarantees (test/contract/user-store.contract.ts checks each, on every adapter):
 * - emails are unique: `create` of a taken email rejects with `DomainError('conflict')` and
 *   changes nothing;
 * - `bootstrap` is atomic and happens once: of N concurrent callers on any number of instances,
 *   at most one creates the org, the user and the membership (all three or none), and only while
 *   no user exists at all; the others get `false`;
 * - `recordLoginFailure` is atomic: N concurrent failures add exactly N to the count, and the
 *   backoff deadline follows `loginBackoffMs` of the count (identity/accounts/domain/user.ts), never moving back;
 * - a failure of the backing store rejects the promise (the caller fails closed).
 */
export interface UserStore {
  create(user: NewUser): Promise<void>;
  /**
   * Creates `org`, `user` and `user`'s membership of `org` with `role` — only when no user exists.
   * Resolves `true` when this call created them.
   */
  bootstrap(org: Org, user: NewUser, role: string): Promise<boolean>;
  findById(id: string): Promise<User | undefined>;
  /** By lower-cased email. */
  findByEmail(email: string): Promise<User | undefined>;
  count(): Promise<number>;
  /** The user's memberships, each with the org's slug, in org-id order. */
  memberships(userId: string): Promise<readonly Membership[]>;
  /** Counts one failed login and sets the backoff deadline; the updated user, or `undefined` if gone. */
  recordLoginFailure(id: string, now: number): Promise<User | undefined>;
  /** Clears the failure count and backoff; with `passwordHash`, replaces the hash (a rehash). */
  recordLoginSuccess(id: string, now: number, passwordHash?: string): Promise<void>;
  /** Resolves `true` when the user exists (its status is then `status`). */
  setStatus(id: string, status: UserStatus, now: number): Promise<boolean>;
}
