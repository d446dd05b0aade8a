/**
 * A directory sign-in (LDAP or PAM), up to the account whose first factor is proven; the route
 * then hands it to identity's login answer (MFA, session modes). The rules, in order:
 * 1. the login limits of a password login (identity's LoginLimiter: per source, per (name,
 *    source), per name in 15 minutes), counted before the directory is asked → 429;
 * 2. an empty password is refused before any bind (an LDAP bind with an empty password is an
 *    anonymous bind, and succeeds);
 * 3. the directory's verdict: an unknown, ambiguous, wrong or disabled account gets the one 401
 *    `invalid_credentials`, whatever the cause; a disabled account's linked Rampart account has
 *    every session revoked first (audited `directory.account_disable`);
 * 4. the person is found by the linked identity (`ldap:<name>` or `pam`, and the directory's
 *    stable subject) — never by a name or an email alone: an unlinked person gets a new account
 *    with the directory's email, unless an account already holds that email (409 `conflict`:
 *    sign in to it and link from /api/v1/me/identities); a linked one gets the directory's name
 *    and email (an email held by another account is left as it was);
 * 5. a directory with a group mapping sets the account's role in each mapped org from its groups
 *    (the first mapping, in configuration order, whose group it is in), adds it, or removes it
 *    when it is in none; the last owner of an org is never demoted nor removed.
 * Every refusal is audited `directory.login` with its reason; every change is recorded before it
 * is made (kernel/audited-change.ts). Never the password; the typed name only when the directory
 * knows it (else its keyed digest).
 */
import { auditedChange } from '../../../kernel/audited-change.js';
import { randomKey } from '../../../kernel/crypto/random.js';
import { newId } from '../../../kernel/crypto/random-id.js';
import { DomainError } from '../../../kernel/domain/errors.js';
import { callerAddress, type RequestContext } from '../../../kernel/domain/request-context.js';
import type { Secret } from '../../../kernel/domain/secret.js';
import { SYSTEM_ORG_SLUG } from '../../../kernel/domain/system-org.js';
import type { AuditAction } from '../../../kernel/domain/audit-entry.js';
import type { AuditEvent, AuditLog } from '../../../kernel/ports/audit-log.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { LoginLimiter, User, UserStore } from '../../../identity/index.js';
import type { ProviderRef } from '../../identities/domain/external-identity.js';
import type { ExternalIdentityStore } from '../../identities/ports/external-identity-store.js';
import type { IdentifierDigest } from '../crypto/identifier-digest.js';
import type { GroupRole } from '../ldap-directory-config.js';
import type { DirectoryAccounts, MembershipChange } from '../ports/directory-accounts.js';
import type { DirectoryCheck, DirectoryPerson } from '../ports/directory-verdict.js';

/** Why a directory sign-in was refused (the audit entry's `reason`). */
export type DirectoryRefusal =
  | 'rate_limited'
  | 'empty_password'
  | 'unknown_account'
  | 'ambiguous_account'
  | 'wrong_password'
  | 'disabled'
  | 'no_email'
  | 'email_taken'
  | 'directory_unavailable';

/** One directory as the sign-in sees it: where to ask, and how its people map to orgs. */
export interface DirectorySource {
  readonly provider: ProviderRef;
  readonly directory: DirectoryCheck;
  readonly groupRoles: readonly GroupRole[];
  /** The email of a person the directory gives none (PAM: `<user>@<domain>`). */
  readonly emailOf?: (person: DirectoryPerson) => string | null;
}

export interface DirectorySignInOptions {
  readonly audit: AuditLog;
  readonly limiter: Pick<LoginLimiter, 'check' | 'checkAccount'>;
  readonly users: Pick<UserStore, 'findById' | 'create'>;
  readonly identities: Pick<ExternalIdentityStore, 'findBySubject' | 'link' | 'recordUse'>;
  readonly accounts: DirectoryAccounts;
  readonly revoker: { revokeAllOfUser(userId: string, reason: 'user_disabled'): Promise<readonly string[]> };
  /** An org's id and its roles, by id or slug (tenancy's authorizer view). */
  readonly orgs: { orgView(idOrSlug: string): Promise<{ readonly id: string; readonly roles: ReadonlyMap<string, unknown> } | undefined> };
  /** Called after the account's memberships changed (cached decisions, browser sessions). */
  readonly membershipsChanged: (userId: string, orgIds: readonly string[]) => Promise<void>;
  readonly digest: IdentifierDigest;
  readonly clock: Clock;
}

interface Attempt {
  readonly source: DirectorySource;
  readonly username: string;
  readonly context: RequestContext;
}

export class DirectorySignIn {
  readonly #o: DirectorySignInOptions;

  constructor(options: DirectorySignInOptions) {
    this.#o = options;
  }

  /** Rules 1–5: the account `username` signs in to, its first factor proven by `source`. */
  async prove(source: DirectorySource, username: string, password: Secret<string>, context: RequestContext): Promise<User> {
    const attempt: Attempt = { source, username, context };
    const key = `${source.provider}:${username}`;
    try {
      await this.#o.limiter.check(callerAddress(context), key);
      await this.#o.limiter.checkAccount(key);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'rate_limited') await this.#refused(attempt, 'rate_limited', false);
      throw error;
    }
    if (password.reveal() === '') return this.#refuse(attempt, 'empty_password', false);
    let verdict;
    try {
      verdict = await source.directory.check(username, password);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'service_unavailable')
        await this.#refused(attempt, 'directory_unavailable', false);
      throw error;
    }
    switch (verdict.kind) {
      case 'unknown':
        return this.#refuse(attempt, 'unknown_account', false);
      case 'ambiguous':
        return this.#refuse(attempt, 'ambiguous_account', false);
      case 'wrong_password':
        return this.#refuse(attempt, 'wrong_password', verdict.subject !== undefined, await this.#linkedUser(source, verdict.subject));
      case 'disabled':
        return this.#disabled(attempt, verdict.subject);
      case 'proven':
        return this.#admit(attempt, verdict.person);
    }
  }

  /** Rule 3: revoke the linked account's sessions (entry first), then refuse. */
  async #disabled(attempt: Attempt, subject: string | undefined): Promise<never> {
    const userId = await this.#linkedUser(attempt.source, subject);
    if (userId !== undefined) {
      await auditedChange(this.#o.audit, this.#event(attempt, 'directory.account_disable', userId, userId), () =>
        this.#o.revoker.revokeAllOfUser(userId, 'user_disabled'),
      );
    }
    return this.#refuse(attempt, 'disabled', true, userId);
  }

  /** Rules 4 and 5. */
  async #admit(attempt: Attempt, person: DirectoryPerson): Promise<User> {
    const { source } = attempt;
    const email = source.emailOf?.(person) ?? person.email;
    const linked = await this.#o.identities.findBySubject(source.provider, person.subject);
    let user: User;
    if (linked === undefined) {
      if (email === null) return this.#refuse(attempt, 'no_email', true);
      user = await this.#provision(attempt, person, email);
    } else {
      user = await this.#existing(attempt, linked.userId);
      if (email !== null && (user.email !== email || user.name !== person.name)) user = await this.#update(attempt, user, person, email);
      await this.#o.identities.recordUse(linked.id, this.#o.clock.now(), email, false);
    }
    await this.#syncMemberships(attempt, user.id, person.groups);
    return user;
  }

  async #provision(attempt: Attempt, person: DirectoryPerson, email: string): Promise<User> {
    const { source } = attempt;
    const userId = newId('usr');
    const event = { ...this.#event(attempt, 'directory.account_provision', userId, userId), details: this.#details(attempt, true) };
    try {
      await auditedChange(this.#o.audit, event, async () => {
        const now = this.#o.clock.now();
        await this.#o.users.create({ id: userId, email, name: person.name, passwordHash: null, now });
        await this.#o.identities.link({
          id: `ext_${randomKey(16).toString('hex')}`,
          userId,
          provider: source.provider,
          subject: person.subject,
          email,
          // A directory is the deployment's own, but it does not verify addresses.
          emailVerified: false,
          now,
        });
      });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'conflict') {
        await this.#refused(attempt, 'email_taken', true);
        throw new DomainError(
          'conflict',
          'An account with this email exists: sign in to it and link this directory from /api/v1/me/identities',
        );
      }
      throw error;
    }
    return this.#existing(attempt, userId);
  }

  async #update(attempt: Attempt, user: User, person: DirectoryPerson, email: string): Promise<User> {
    const details = { ...this.#details(attempt, true), ...(user.email === email ? {} : { email_changed: true }) };
    const event = { ...this.#event(attempt, 'directory.account_update', user.id, user.id), details };
    await auditedChange(this.#o.audit, event, async () => {
      const result = await this.#o.accounts.updateProfile(user.id, { name: person.name, email }, this.#o.clock.now());
      // Another account holds the new address: the name is still the directory's, the email stays.
      if (result === 'email_taken')
        await this.#o.accounts.updateProfile(user.id, { name: person.name, email: user.email }, this.#o.clock.now());
    });
    return this.#existing(attempt, user.id);
  }

  /** Rule 5, for each org the directory's mapping names. */
  async #syncMemberships(attempt: Attempt, userId: string, groups: readonly string[]): Promise<void> {
    const mapping = attempt.source.groupRoles;
    if (mapping.length === 0) return;
    const wanted = new Map<string, { role: string; group: string } | undefined>();
    for (const entry of mapping) {
      const org = await this.#o.orgs.orgView(entry.org);
      if (org === undefined) continue;
      if (!wanted.has(org.id)) wanted.set(org.id, undefined);
      // An entry naming a role the org lacks is ignored, as if absent (fail closed).
      if (wanted.get(org.id) === undefined && org.roles.has(entry.role) && groups.includes(entry.group)) {
        wanted.set(org.id, { role: entry.role, group: entry.group });
      }
    }
    const current = await this.#o.accounts.rolesIn(userId, [...wanted.keys()]);
    const changed: string[] = [];
    for (const [orgId, want] of wanted) {
      const role = current.get(orgId);
      if (want?.role === role) continue;
      const details = { ...this.#details(attempt, true), before: role ?? null, after: want?.role ?? null, group: want?.group ?? null };
      const event: AuditEvent = { ...this.#event(attempt, 'directory.membership_sync', userId, userId), org: orgId, details };
      const now = this.#o.clock.now();
      const outcome: MembershipChange = await auditedChange(this.#o.audit, event, () =>
        want === undefined
          ? this.#o.accounts.removeMembership(orgId, userId, now)
          : this.#o.accounts.putMembership(orgId, userId, want.role, now),
      );
      if (outcome === 'last_owner') await this.#o.audit.record({ ...event, result: 'failure', reason: 'not_applied:last_owner' });
      else if (outcome !== 'unchanged') changed.push(orgId);
    }
    if (changed.length > 0) await this.#o.membershipsChanged(userId, changed);
  }

  async #existing(attempt: Attempt, userId: string): Promise<User> {
    const user = await this.#o.users.findById(userId);
    // A link whose account is gone (erased) proves nothing.
    if (user === undefined) return this.#refuse(attempt, 'unknown_account', true);
    return user;
  }

  async #linkedUser(source: DirectorySource, subject: string | undefined): Promise<string | undefined> {
    if (subject === undefined) return undefined;
    return (await this.#o.identities.findBySubject(source.provider, subject))?.userId;
  }

  async #refuse(attempt: Attempt, reason: DirectoryRefusal, known: boolean, userId?: string): Promise<never> {
    await this.#refused(attempt, reason, known, userId);
    throw new DomainError('invalid_credentials', 'The username or password is not correct');
  }

  async #refused(attempt: Attempt, reason: DirectoryRefusal, known: boolean, userId?: string): Promise<void> {
    await this.#o.audit.record({
      ...this.#event(attempt, 'directory.login', attempt.source.provider, userId),
      result: 'failure',
      reason,
      details: this.#details(attempt, known),
    });
  }

  /** The typed name only when the directory knows it: else it may be a password. */
  #details(attempt: Attempt, known: boolean): Record<string, string> {
    const { provider } = attempt.source;
    return known ? { provider, username: attempt.username } : { provider, username_digest: this.#o.digest.of(provider, attempt.username) };
  }

  #event(attempt: Attempt, action: AuditAction, resource: string, userId: string | undefined): AuditEvent {
    const { context } = attempt;
    return {
      org: SYSTEM_ORG_SLUG,
      actor: { type: 'user', id: userId ?? null },
      action,
      resource,
      result: 'success',
      sourceIp: context.ip,
      requestId: context.requestId,
      ...(context.userAgent === undefined ? {} : { userAgent: context.userAgent }),
      details: this.#details(attempt, true),
      ...(userId === undefined ? {} : { subject: userId }),
    };
  }
}
