/**
 * Who a verified token of a trusted issuer speaks for, as a principal. The rules, in order:
 * 1. the org: the issuer's one org, or the value of its `org_claim`, which must be one of the orgs
 *    the issuer may speak for (`org_not_allowed` otherwise);
 * 2. the subject: with `user`, the Rampart user whose email (then the token must say
 *    `email_verified: true`, as for a linked OIDC identity) or `usr_…` id the claim holds; with
 *    `service`, the claim's value (short, printable) names an external principal and the
 *    configured `owner` bounds it;
 * 3. the principal is always a `service` principal confined to that org, owned by the mapped user
 *    (or the owner), with the issuer's role's permissions as scopes, narrowed by the token's
 *    `scope` claim when it has one: its authority is `scopes ∩ the owner's permissions in the org`,
 *    evaluated by the authorizer at every request. It is never a `user` principal: a token from
 *    outside cannot manage the account (password, API keys, MFA, erasure) or hold a platform permission;
 * 4. the bounding user must be active: known active at most {@link USER_STATUS_TTL_MS} ago, and a
 *    disabled or erased user (identity publishes an `api_key` event naming the user when all of
 *    their sessions are revoked) stops every token mapped to them at once, on every instance.
 *    Disabling the user is the one way to revoke an external issuer's tokens before they expire.
 */
import type { JWTPayload } from 'jose';
import type { Principal } from '../../../kernel/domain/principal.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { RevocationBus, RevocationEvent, RevocationListener, RevocationSubscription } from '../../../kernel/ports/revocation-bus.js';
import { normaliseEmail, type UserStore } from '../../../identity/index.js';
import { IssuerTokenRefusal } from '../domain/issuer-refusal.js';
import type { TrustedIssuer } from '../domain/trusted-issuer.js';

/** How long a user, known active, is trusted without a read. */
export const USER_STATUS_TTL_MS = 10_000;
const MAX_USERS = 10_000;
const USER_PREFIX = 'usr_';
/** What an external principal's claim may hold: it becomes part of a principal id in audit entries. */
const EXTERNAL_SUBJECT = /^[A-Za-z0-9._@:+-]{1,128}$/;
const MAX_EMAIL_LENGTH = 320;

export interface IssuerPrincipalsOptions {
  readonly users: Pick<UserStore, 'findById' | 'findByEmail'>;
  readonly bus: RevocationBus;
  readonly clock: Clock;
  /** The permissions of a built-in role, in any org (tenancy's registry). */
  readonly rolePermissions: (role: TrustedIssuer['role']) => ReadonlySet<string>;
}

/** A mapped token: the principal, and the user whose status bounds it. */
export interface MappedToken {
  readonly principal: Principal;
  readonly boundBy: string;
}

interface KnownUser {
  readonly active: boolean;
  readonly checkedAt: number;
}

function stringClaim(claims: JWTPayload, name: string): string | undefined {
  const value = claims[name];
  return typeof value === 'string' ? value : undefined;
}

export class IssuerPrincipals implements RevocationListener {
  readonly #o: IssuerPrincipalsOptions;
  readonly #users = new Map<string, KnownUser>();
  #subscription: RevocationSubscription | undefined;

  constructor(options: IssuerPrincipalsOptions) {
    this.#o = options;
  }

  /** Subscribes to the revocation bus; call before serving. */
  async start(): Promise<void> {
    this.#subscription = await this.#o.bus.subscribe(this);
  }

  async close(): Promise<void> {
    await this.#subscription?.unsubscribe();
    this.#subscription = undefined;
  }

  onRevoked(event: RevocationEvent): void {
    if (event.kind === 'api_key' && event.id.startsWith(USER_PREFIX)) this.#users.delete(event.id);
  }

  onResync(): void {
    this.#users.clear();
  }

  /** The principal a verified token of `issuer` stands for (rules 1–3), or an {@link IssuerTokenRefusal}. */
  async map(issuer: TrustedIssuer, claims: JWTPayload): Promise<MappedToken> {
    const org = this.#orgOf(issuer, claims);
    const { id, boundBy } = await this.#subjectOf(issuer, claims);
    if (!(await this.isActive(boundBy))) throw new IssuerTokenRefusal('inactive_user');
    const principal: Principal = Object.freeze({
      type: 'service',
      id,
      via: 'bearer',
      owner: boundBy,
      org,
      scopes: Object.freeze(this.#scopesOf(issuer, claims)),
    });
    return { principal, boundBy };
  }

  /** Whether `userId` is an active account (rule 4): from memory within the TTL, else one read. */
  async isActive(userId: string): Promise<boolean> {
    const now = this.#o.clock.now();
    const known = this.#users.get(userId);
    if (known !== undefined && now - known.checkedAt < USER_STATUS_TTL_MS) return known.active;
    const user = await this.#o.users.findById(userId);
    if (this.#users.size >= MAX_USERS) this.#users.clear();
    const active = user?.status === 'active';
    this.#users.set(userId, { active, checkedAt: now });
    return active;
  }

  /** Whether `userId` is known active without a read (the cache's hot path); `undefined`: ask {@link isActive}. */
  knownActive(userId: string): boolean | undefined {
    const known = this.#users.get(userId);
    if (known === undefined || this.#o.clock.now() - known.checkedAt >= USER_STATUS_TTL_MS) return undefined;
    return known.active;
  }

  #orgOf(issuer: TrustedIssuer, claims: JWTPayload): string {
    if (issuer.orgClaim === undefined) return issuer.orgs[0] as string;
    const named = stringClaim(claims, issuer.orgClaim);
    if (named === undefined || !issuer.orgs.includes(named)) throw new IssuerTokenRefusal('org_not_allowed');
    return named;
  }

  async #subjectOf(issuer: TrustedIssuer, claims: JWTPayload): Promise<{ id: string; boundBy: string }> {
    const { subject } = issuer;
    const value = stringClaim(claims, subject.claim);
    if (value === undefined || value === '') throw new IssuerTokenRefusal('subject');
    if (subject.kind === 'service') {
      if (!EXTERNAL_SUBJECT.test(value)) throw new IssuerTokenRefusal('subject');
      return { id: `ext:${issuer.name}:${value}`, boundBy: subject.owner };
    }
    const user = await this.#userOf(subject.match, value, claims);
    return { id: `ext:${issuer.name}:${user}`, boundBy: user };
  }

  async #userOf(match: 'email' | 'id', value: string, claims: JWTPayload): Promise<string> {
    if (match === 'id') {
      if (!value.startsWith(USER_PREFIX) || value.length > 68) throw new IssuerTokenRefusal('subject');
      const user = await this.#o.users.findById(value);
      if (user === undefined) throw new IssuerTokenRefusal('unknown_user');
      return user.id;
    }
    // An email the issuer has not verified says nothing about who holds the token.
    if (claims['email_verified'] !== true || value.length > MAX_EMAIL_LENGTH) throw new IssuerTokenRefusal('unknown_user');
    const user = await this.#o.users.findByEmail(normaliseEmail(value));
    if (user === undefined) throw new IssuerTokenRefusal('unknown_user');
    return user.id;
  }

  /** The role's permissions, narrowed by the token's `scope` (RFC 8693 §4.2, space-separated) when present. */
  #scopesOf(issuer: TrustedIssuer, claims: JWTPayload): string[] {
    const granted = [...this.#o.rolePermissions(issuer.role)].sort();
    const scope = stringClaim(claims, 'scope');
    if (scope === undefined) return granted;
    const asked = new Set(scope.split(' ').filter((item) => item !== ''));
    return granted.filter((permission) => asked.has(permission));
  }
}
