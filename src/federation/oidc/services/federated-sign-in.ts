/**
 * The OIDC/OAuth sign-in and link flows (docs/decisions/025-federated-sign-in.md). The rules, in
 * the order the callback applies them:
 * 1. the provider must be configured (404), and the sealed state cookie must open, be unexpired,
 *    name this provider, and hold the `state` the provider sent back (compared in constant time):
 *    otherwise 403 `csrf_failed`, before any request to the provider;
 * 2. the code is exchanged with the PKCE verifier and every check of openid-client (state, RFC 9207
 *    `iss`, the ID token's signature, `iss`, `aud`, `exp`, `nonce`): a failed check or a provider
 *    error (a replayed code) is 401 `invalid_credentials`; an unreachable provider 503;
 * 3. a link (the cookie names the signed-in account that asked for it) adds the identity to that
 *    account — unless it is linked to another account (409 `conflict`);
 * 4. a sign-in through a linked identity signs in its account;
 * 5. an unlinked identity whose email names an account is linked to it ONLY when the provider
 *    asserts the email verified AND the account's email is verified in Rampart; otherwise 409
 *    `conflict`: sign in to the account and link from /api/v1/me/identities (no takeover);
 * 6. an unlinked identity whose email names no account creates one only when the provider asserts
 *    the email verified and provisioning is on (the provider's `provision`, else
 *    RAMPART_SELF_REGISTRATION); the account starts with its email verified (by the provider) and
 *    no password. Otherwise 403 `forbidden`.
 * Every refusal is audited (`federation.sign_in`, failure, with the reason); links and accounts
 * are audited changes (entry first). No upstream token is kept.
 */
import { DomainError } from '../../../kernel/domain/errors.js';
import type { Secret } from '../../../kernel/domain/secret.js';
import type { RequestContext } from '../../../kernel/domain/request-context.js';
import type { AuditEvent, AuditLog } from '../../../kernel/ports/audit-log.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import { auditedChange } from '../../../kernel/audited-change.js';
import { newId } from '../../../kernel/crypto/random-id.js';
import { randomKey, randomToken } from '../../../kernel/crypto/random.js';
import type { User, UserStore } from '../../../identity/index.js';
import type { ExternalIdentity, ProviderRef } from '../../identities/domain/external-identity.js';
import type { ExternalIdentityStore } from '../../identities/ports/external-identity-store.js';
import { readStateCookie, setStateCookie, stateMatches, STATE_TTL_MS, type OidcState } from '../crypto/oidc-state-cookie.js';
import type { ExternalProfile } from '../domain/external-profile.js';
import { OutboundRefused } from './guarded-fetch.js';
import type { ProviderClient } from './provider-client.js';

const SYSTEM_ORG = 'system';

export interface FederatedSignInOptions {
  readonly clients: ReadonlyMap<string, ProviderClient>;
  readonly identities: ExternalIdentityStore;
  readonly users: Pick<UserStore, 'findById' | 'findByEmail' | 'create'>;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** Seals the state cookie (derived from the master key, purpose `oidc-state-seal`). */
  readonly stateKey: Secret<Buffer>;
  /** RAMPART_SELF_REGISTRATION: whether a provider without its own `provision` creates accounts. */
  readonly selfRegistration: boolean;
}

/** A started flow: where the browser goes, and the cookie that binds the callback to this browser. */
export interface StartedFlow {
  readonly url: URL;
  readonly setCookie: string;
}

/** What a callback proved. */
export type CallbackOutcome =
  | { readonly kind: 'sign_in'; readonly user: User; readonly mode: 'token' | 'cookie'; readonly provider: ProviderRef }
  | { readonly kind: 'linked'; readonly identity: ExternalIdentity };

/** Why a callback was refused: the audit reason. */
type Refusal =
  | 'state_mismatch'
  | 'provider_check_failed'
  | 'provider_unreachable'
  | 'linked_elsewhere'
  | 'link_account_gone'
  | 'no_email'
  | 'takeover_refused'
  | 'email_unverified'
  | 'provisioning_disabled';

export class FederatedSignIn {
  readonly #o: FederatedSignInOptions;

  constructor(options: FederatedSignInOptions) {
    this.#o = options;
  }

  /** The configured providers, by name. */
  get providers(): readonly ProviderClient[] {
    return [...this.#o.clients.values()];
  }

  #client(name: string): ProviderClient {
    const found = this.#o.clients.get(name);
    if (found === undefined) throw new DomainError('not_found', 'No such sign-in provider');
    return found;
  }

  /** Starts a sign-in (or, with `linkUserId`, a link to that signed-in account) at provider `name`. */
  async start(name: string, mode: 'token' | 'cookie', linkUserId?: string): Promise<StartedFlow> {
    const client = this.#client(name);
    const state: OidcState = {
      provider: name,
      state: randomToken(32),
      nonce: randomToken(32),
      // RFC 7636 §4.1: 43 characters of the unreserved set (32 random bytes, base64url).
      verifier: randomKey(32).toString('base64url'),
      mode,
      ...(linkUserId === undefined ? {} : { linkUserId }),
      expiresAt: this.#o.clock.now() + STATE_TTL_MS,
    };
    const url = await this.#reach(() => client.authorizationUrl(state));
    return { url, setCookie: setStateCookie(this.#o.stateKey, state) };
  }

  /** Finishes the flow the provider redirected back with `query`; `cookies` is the request's `Cookie` header. */
  async finish(name: string, query: URLSearchParams, cookies: string | undefined, context: RequestContext): Promise<CallbackOutcome> {
    const client = this.#client(name);
    const provider: ProviderRef = `oidc:${name}`;
    const state = readStateCookie(this.#o.stateKey, cookies, this.#o.clock.now());
    if (state === undefined || state.provider !== name || !stateMatches(query.get('state') ?? undefined, state.state)) {
      await this.#refused(provider, 'state_mismatch', context, undefined);
      throw new DomainError('csrf_failed', 'The sign-in was not started in this browser, or took too long: start it again');
    }
    const profile = await this.#profile(client, query, state, provider, context);
    if (state.linkUserId !== undefined) return this.#link(provider, profile, state.linkUserId, context);
    const linked = await this.#o.identities.findBySubject(provider, profile.subject);
    if (linked !== undefined) {
      const user = await this.#o.users.findById(linked.userId);
      if (user === undefined) throw new DomainError('invalid_credentials', 'The linked account no longer exists');
      await this.#o.identities.recordUse(linked.id, this.#o.clock.now(), profile.email, profile.emailVerified);
      return { kind: 'sign_in', user, mode: state.mode, provider };
    }
    return { kind: 'sign_in', user: await this.#firstSignIn(provider, profile, context), mode: state.mode, provider };
  }

  async #profile(
    client: ProviderClient,
    query: URLSearchParams,
    state: OidcState,
    provider: ProviderRef,
    context: RequestContext,
  ): Promise<ExternalProfile> {
    try {
      return await client.profile(query, state);
    } catch (error) {
      if (isOutboundRefusal(error)) {
        await this.#refused(provider, 'provider_unreachable', context, state.linkUserId);
        throw new DomainError('service_unavailable', 'The sign-in provider cannot be reached right now', { cause: error });
      }
      // The library's refusal (a state, issuer, audience, nonce or signature check; a code the provider refused).
      await this.#refused(provider, 'provider_check_failed', context, state.linkUserId, codeOf(error));
      throw new DomainError('invalid_credentials', 'The sign-in provider did not prove this sign-in', { cause: error });
    }
  }

  async #link(provider: ProviderRef, profile: ExternalProfile, userId: string, context: RequestContext): Promise<CallbackOutcome> {
    const user = await this.#o.users.findById(userId);
    if (user === undefined || user.status !== 'active') {
      await this.#refused(provider, 'link_account_gone', context, userId);
      throw new DomainError('invalid_credentials', 'The account to link to is not active');
    }
    const existing = await this.#o.identities.findBySubject(provider, profile.subject);
    if (existing !== undefined && existing.userId === userId) return { kind: 'linked', identity: existing };
    if (existing !== undefined) {
      await this.#refused(provider, 'linked_elsewhere', context, userId);
      throw new DomainError('conflict', 'This identity is already linked to another account');
    }
    const identity = await this.#linkTo(user, provider, profile, 'requested', context);
    return { kind: 'linked', identity };
  }

  /** Rules 5 and 6 of the module comment. */
  async #firstSignIn(provider: ProviderRef, profile: ExternalProfile, context: RequestContext): Promise<User> {
    if (profile.email === null) {
      await this.#refused(provider, 'no_email', context, undefined);
      throw new DomainError('forbidden', 'The provider gave no email address: an account cannot be found or created');
    }
    const account = await this.#o.users.findByEmail(profile.email);
    if (account !== undefined) {
      if (!profile.emailVerified || account.emailVerifiedAt === null) {
        await this.#refused(
          provider,
          'takeover_refused',
          context,
          account.id,
          profile.emailVerified ? 'account_email_unverified' : 'provider_email_unverified',
        );
        throw new DomainError(
          'conflict',
          'An account with this email exists. Sign in to it, then link this provider from /api/v1/me/identities',
        );
      }
      await this.#linkTo(account, provider, profile, 'verified_email', context);
      return account;
    }
    if (!profile.emailVerified) {
      await this.#refused(provider, 'email_unverified', context, undefined);
      throw new DomainError('forbidden', 'The provider has not verified this email address: no account is created');
    }
    const client = this.#client(provider.slice('oidc:'.length));
    if (!(client.provider.provision ?? this.#o.selfRegistration)) {
      await this.#refused(provider, 'provisioning_disabled', context, undefined);
      throw new DomainError('forbidden', 'No account exists for this identity, and this provider does not create accounts');
    }
    return this.#provision(provider, { ...profile, email: profile.email }, context);
  }

  async #provision(provider: ProviderRef, profile: ExternalProfile & { readonly email: string }, context: RequestContext): Promise<User> {
    const now = this.#o.clock.now();
    const userId = newId('usr');
    const event = this.#event('federation.provision', userId, context, userId, { provider });
    await auditedChange(this.#o.audit, event, async () => {
      await this.#o.users.create({ id: userId, email: profile.email, name: profile.name, passwordHash: null, now, emailVerifiedAt: now });
      await this.#o.identities.link({
        id: identityId(),
        userId,
        provider,
        subject: profile.subject,
        email: profile.email,
        emailVerified: true,
        now,
      });
    });
    const user = await this.#o.users.findById(userId);
    if (user === undefined) throw new DomainError('conflict', 'The new account is gone');
    return user;
  }

  async #linkTo(
    user: User,
    provider: ProviderRef,
    profile: ExternalProfile,
    how: 'requested' | 'verified_email',
    context: RequestContext,
  ): Promise<ExternalIdentity> {
    const id = identityId();
    const event = this.#event('federation.link', id, context, user.id, { provider, how });
    return auditedChange(this.#o.audit, event, () =>
      this.#o.identities.link({
        id,
        userId: user.id,
        provider,
        subject: profile.subject,
        email: profile.email,
        emailVerified: profile.emailVerified,
        now: this.#o.clock.now(),
      }),
    );
  }

  async #reach<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw new DomainError('service_unavailable', 'The sign-in provider cannot be reached right now', { cause: error });
    }
  }

  #event(
    action: AuditEvent['action'],
    resource: string,
    context: RequestContext,
    userId: string,
    details: Record<string, string>,
  ): AuditEvent {
    return {
      org: SYSTEM_ORG,
      actor: { type: 'user', id: userId },
      action,
      resource,
      result: 'success',
      sourceIp: context.ip,
      requestId: context.requestId,
      ...(context.userAgent === undefined ? {} : { userAgent: context.userAgent }),
      details,
      subject: userId,
    };
  }

  async #refused(provider: ProviderRef, reason: Refusal, context: RequestContext, userId: string | undefined, why?: string): Promise<void> {
    await this.#o.audit.record({
      org: SYSTEM_ORG,
      actor: { type: 'user', id: userId ?? null },
      action: 'federation.sign_in',
      resource: provider,
      result: 'failure',
      reason,
      sourceIp: context.ip,
      requestId: context.requestId,
      ...(context.userAgent === undefined ? {} : { userAgent: context.userAgent }),
      details: why === undefined ? { provider } : { provider, check: why },
      ...(userId === undefined ? {} : { subject: userId }),
    });
  }
}

/** `ext_` and 128 random bits. */
export function identityId(): string {
  return `ext_${randomKey(16).toString('hex')}`;
}

/** The library's error code (`OAUTH_JWT_CLAIM_COMPARISON_FAILED`, `invalid_grant`…), never its message. */
function codeOf(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'unknown';
  const { code, error: oauthError } = error as { code?: unknown; error?: unknown };
  if (typeof oauthError === 'string' && /^[a-z_]{1,64}$/.test(oauthError)) return oauthError;
  if (typeof code === 'string' && /^[A-Z_]{1,64}$/.test(code)) return code;
  return 'unknown';
}

/** Whether `error`, or one it wraps, is a provider request that got no answer. */
function isOutboundRefusal(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth += 1) {
    if (e instanceof OutboundRefused) return true;
  }
  return false;
}
