/**
 * The OAuth 2 endpoints of service clients: the token endpoint's `client_credentials` grant
 * (RFC 6749 §4.4), introspection (RFC 7662) and revocation (RFC 7009). Rules, in order:
 * 1. the client authenticates with exactly one method (RFC 6749 §2.3): HTTP Basic with its secret
 *    (`client_secret_basic`, §2.3.1), or an RFC 7523 assertion (`private_key_jwt`) whose `jti` is
 *    accepted once; a client authenticates only with the method it was registered for, and a
 *    revoked client, or one whose creator is disabled or erased, not at all — every failure is
 *    `invalid_client`, whatever the reason;
 * 2. the grant is `client_credentials` only (`unsupported_grant_type`);
 * 3. the scopes are a subset of the client's (RFC 6749 §3.3, `invalid_scope`), and each must still
 *    be held by the client under its creator's current permissions (the Authorizer); while the MFA
 *    requirement is on, a creator who is an owner or admin without a second factor gets their
 *    client no token (`unauthorized_client`) until they enrol;
 * 4. introspection answers `{active:false}` for anything unknown, expired, revoked — or belonging
 *    to another org than the caller's (nothing is revealed across tenants);
 * 5. revocation answers 200 for unknown tokens (RFC 7009 §2.2) and revokes a token of the caller
 *    by its `jti`, at once on every instance; its entry is recorded first (`auditedChange`).
 * Issuance, every introspection (a key use: the client and whether the token was active) and every
 * failed client authentication of a known client are audited.
 */
import { claimedAssertionClient, ClientAssertionError, verifyClientAssertion } from '../crypto/client-assertion.js';
import { clientSecretMatches, hashClientSecret, isClientId } from '../crypto/client-secret.js';
import type { AccessTokenClaims } from '../../identity/index.js';
import { auditedChange } from '../../kernel/audited-change.js';
import { DomainError } from '../../kernel/domain/errors.js';
import { OAuthError } from '../domain/oauth-error.js';
import type { Principal } from '../../kernel/domain/principal.js';
import { grantedScopes, type StoredServiceClient } from '../domain/service-client.js';
import type { AuditAction } from '../../kernel/domain/audit-entry.js';
import type { AuditEvent, AuditLog } from '../../kernel/ports/audit-log.js';
import type { Authorizer } from '../../kernel/ports/authorizer.js';
import type { ClientStore } from '../ports/client-store.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { RevocationBus } from '../../kernel/ports/revocation-bus.js';
import type { ClientRevocations } from './client-revocations.js';
import type { RequestContext } from '../../kernel/domain/request-context.js';
import type { TokenService, UserStore } from '../../identity/index.js';

/** RFC 7523 §2.2. */
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Compared against when the client is unknown, so that both paths hash once. */
const DUMMY_HASH = hashClientSecret('rampart-dummy-client-secret');

export interface OAuthServiceOptions {
  readonly clients: ClientStore;
  readonly tokens: Pick<TokenService, 'issueForClient' | 'verify'>;
  readonly revocations: Pick<ClientRevocations, 'isRevoked' | 'revokeLocally'>;
  /** Whether a user session is revoked (user tokens are introspected too). */
  readonly sessionRevoked: (sessionId: string) => boolean;
  readonly authorizer: Authorizer;
  readonly bus: RevocationBus;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** RAMPART_PUBLIC_URL: the issuer, an accepted assertion audience. */
  readonly issuer: string;
  /** The clients' creators: a disabled or erased creator's client does not authenticate. */
  readonly users: Pick<UserStore, 'findById'>;
  /** Whether the user must enrol a second factor before acting (identity's MFA enforcement). */
  readonly mustEnrol?: (userId: string) => Promise<boolean>;
}

/** How the client presented itself: at most one of the two. */
export interface ClientAuthentication {
  /** The `Authorization` header, when it is `Basic …`. */
  readonly basic?: string;
  readonly assertionType?: string;
  readonly assertion?: string;
  /** The form's `client_id`, when given: it must name the authenticated client. */
  readonly clientId?: string;
  /** The path of the endpoint called (`/api/v1/oauth/…`): on the issuer, an accepted assertion audience. */
  readonly endpoint: string;
}

export interface TokenAnswer {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly scope: string;
}

export type IntrospectionAnswer =
  { readonly active: false } | ({ readonly active: true; readonly token_type: 'Bearer' } & AccessTokenClaims);

const INACTIVE = Object.freeze({ active: false as const });

function invalidClient(cause?: unknown): OAuthError {
  return new OAuthError('invalid_client', 'Client authentication failed', cause === undefined ? undefined : { cause });
}

/** RFC 6749 §2.3.1: `Basic base64(urlencode(id) ":" urlencode(secret))`. */
function parseBasic(header: string): { id: string; secret: string } {
  const match = /^Basic +([A-Za-z0-9+/]+=*)$/i.exec(header);
  if (match?.[1] === undefined) throw invalidClient();
  const text = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) throw invalidClient();
  try {
    return { id: decodeURIComponent(text.slice(0, colon)), secret: decodeURIComponent(text.slice(colon + 1)) };
  } catch (error) {
    throw invalidClient(error);
  }
}

/**
 * The application a client's token is for (RFC 8707 §2 `resource`, or `audience`): one of the
 * client's registered audiences, else `invalid_target`; none asked: Rampart's own audience.
 */
function audienceOf(client: { readonly audiences: readonly string[] }, form: { resource?: string; audience?: string }): string | undefined {
  if (form.resource !== undefined && form.audience !== undefined && form.resource !== form.audience) {
    throw new OAuthError('invalid_request', 'Give resource or audience, not both');
  }
  const asked = form.resource ?? form.audience;
  if (asked === undefined) return undefined;
  if (!client.audiences.includes(asked)) throw new OAuthError('invalid_target', 'The client may not ask for a token for that resource');
  return asked;
}

export class OAuthService {
  readonly #o: OAuthServiceOptions;

  constructor(options: OAuthServiceOptions) {
    this.#o = options;
  }

  /** RFC 6749 §4.4.2–4.4.3. */
  async token(
    form: { grant_type?: string; scope?: string; resource?: string; audience?: string },
    auth: ClientAuthentication,
    context: RequestContext,
  ): Promise<TokenAnswer> {
    if (form.grant_type === undefined) throw new OAuthError('invalid_request', 'grant_type is required');
    const client = await this.authenticate(auth, context);
    if (form.grant_type !== 'client_credentials') {
      throw new OAuthError('unsupported_grant_type', 'Only the client_credentials grant is supported');
    }
    if (this.#o.mustEnrol !== undefined && (await this.#o.mustEnrol(client.createdBy))) {
      await this.#audit(client, 'oauth.token', 'failure', context, {}, 'creator_mfa_not_enrolled');
      throw new OAuthError('unauthorized_client', "The client's creator must enrol a second factor before the client gets a token");
    }
    const audience = audienceOf(client, form);
    const scopes = await this.#grant(client, form.scope);
    const signed = await this.#o.tokens.issueForClient({
      clientId: client.id,
      org: client.orgId,
      scope: scopes.join(' '),
      ...(audience === undefined ? {} : { audience }),
    });
    const details = { scopes: [...scopes], jti: signed.claims.jti, ...(audience === undefined ? {} : { audience }) };
    await this.#audit(client, 'oauth.token', 'success', context, details);
    return { access_token: signed.token.reveal(), token_type: 'Bearer', expires_in: signed.expiresIn, scope: scopes.join(' ') };
  }

  /** RFC 7662 §2.2: the claims of an active token of the caller's org, else `{active:false}`. */
  async introspect(token: string, auth: ClientAuthentication, context: RequestContext): Promise<IntrospectionAnswer> {
    const caller = await this.authenticate(auth, context);
    const answer = await this.#introspected(token, caller);
    // A key use (spec "Audit"): who asked and whether the token was active — never the token.
    await this.#audit(caller, 'oauth.introspect', 'success', context, { active: answer.active });
    return answer;
  }

  async #introspected(token: string, caller: StoredServiceClient): Promise<IntrospectionAnswer> {
    const claims = await this.#verified(token);
    if (claims === undefined || claims.org !== caller.orgId) return INACTIVE;
    const revoked =
      claims.client_id === undefined ? this.#o.sessionRevoked(claims.sid) : this.#o.revocations.isRevoked(claims.client_id, claims.jti);
    if (revoked) return INACTIVE;
    return { active: true, token_type: 'Bearer', ...claims };
  }

  /** RFC 7009 §2.1: revokes a token the caller holds; unknown or invalid tokens are a no-op. */
  async revoke(token: string, auth: ClientAuthentication, context: RequestContext): Promise<void> {
    const caller = await this.authenticate(auth, context);
    const claims = await this.#verified(token);
    if (claims === undefined || claims.client_id === undefined) return;
    // §2.1: the server checks that the token was issued to the client making the request.
    if (claims.client_id !== caller.id) throw new OAuthError('unauthorized_client', 'The token was not issued to this client');
    await auditedChange(this.#o.audit, this.#event(caller, 'oauth.revoke', 'success', context, { jti: claims.jti }), async () => {
      const now = this.#o.clock.now();
      await this.#o.clients.revokeToken(caller.id, caller.orgId, claims.jti, now, claims.exp * 1000);
      this.#o.revocations.revokeLocally(claims.jti, now);
      await this.#o.bus.publish({ kind: 'client', id: claims.jti, revokedAt: now });
    });
  }

  /** RFC 6749 §2.3: exactly one method; any failure is `invalid_client`. */
  async authenticate(auth: ClientAuthentication, context: RequestContext): Promise<StoredServiceClient> {
    const hasAssertion = auth.assertion !== undefined || auth.assertionType !== undefined;
    if (auth.basic !== undefined && hasAssertion) throw new OAuthError('invalid_request', 'Use one client authentication method, not two');
    let client: StoredServiceClient;
    if (auth.basic !== undefined) client = await this.#withSecret(auth, context);
    else if (hasAssertion) client = await this.#withAssertion(auth, context);
    else throw invalidClient();
    // A disabled or erased creator's client acts for nobody.
    if ((await this.#o.users.findById(client.createdBy))?.status !== 'active') {
      await this.#audit(client, 'oauth.client_authentication', 'failure', context, {}, 'creator_inactive');
      throw invalidClient();
    }
    return client;
  }

  async #withSecret(auth: ClientAuthentication, context: RequestContext): Promise<StoredServiceClient> {
    const { id, secret } = parseBasic(auth.basic ?? '');
    if (auth.clientId !== undefined && auth.clientId !== id)
      throw new OAuthError('invalid_request', 'client_id does not match the credentials');
    const client = isClientId(id) ? await this.#o.clients.findForAuthentication(id) : undefined;
    const matches = clientSecretMatches(secret, client?.secretHash ?? DUMMY_HASH);
    if (client === undefined) throw invalidClient();
    if (client.authMethod !== 'client_secret_basic' || client.revokedAt !== null || !matches) {
      await this.#audit(
        client,
        'oauth.client_authentication',
        'failure',
        context,
        {},
        client.revokedAt !== null ? 'revoked' : 'bad_secret',
      );
      throw invalidClient();
    }
    return client;
  }

  async #withAssertion(auth: ClientAuthentication, context: RequestContext): Promise<StoredServiceClient> {
    if (auth.assertionType !== JWT_BEARER_ASSERTION || auth.assertion === undefined) {
      throw new OAuthError('invalid_request', `client_assertion_type must be ${JWT_BEARER_ASSERTION}, with client_assertion`);
    }
    const id = claimedAssertionClient(auth.assertion);
    if (id === undefined || !isClientId(id)) throw invalidClient();
    if (auth.clientId !== undefined && auth.clientId !== id)
      throw new OAuthError('invalid_request', 'client_id does not match the assertion');
    const client = await this.#o.clients.findForAuthentication(id);
    if (client === undefined) throw invalidClient();
    if (client.authMethod !== 'private_key_jwt' || client.jwks === null || client.revokedAt !== null) {
      await this.#audit(
        client,
        'oauth.client_authentication',
        'failure',
        context,
        {},
        client.revokedAt !== null ? 'revoked' : 'wrong_method',
      );
      throw invalidClient();
    }
    try {
      const verified = await verifyClientAssertion(auth.assertion, {
        clientId: client.id,
        jwks: client.jwks,
        // RFC 7523 §3 item 3: URLs of this server only, from the configuration (never the Host header).
        audiences: [...new Set([this.#o.issuer, `${this.#o.issuer}/api/v1/oauth/token`, `${this.#o.issuer}${auth.endpoint}`])],
        clock: this.#o.clock,
      });
      // RFC 7523 §3 item 7: the jti is remembered until the assertion expires; a second use fails.
      if (!(await this.#o.clients.useAssertion(client.id, verified.jti, verified.expiresAt, this.#o.clock.now()))) {
        throw new ClientAssertionError('the assertion was used before');
      }
    } catch (error) {
      if (!(error instanceof ClientAssertionError)) throw error;
      await this.#audit(client, 'oauth.client_authentication', 'failure', context, {}, error.message);
      throw invalidClient(error);
    }
    return client;
  }

  /** RFC 6749 §3.3 and the creator's current authority. */
  async #grant(client: StoredServiceClient, requested: string | undefined): Promise<readonly string[]> {
    const asked = grantedScopes(client.scopes, requested);
    if (asked === undefined) throw new OAuthError('invalid_scope', "A requested scope is not one of the client's");
    const principal: Principal = {
      type: 'service',
      id: client.id,
      via: 'client',
      scopes: client.scopes,
      owner: client.createdBy,
      org: client.orgId,
    };
    const held: string[] = [];
    for (const permission of asked) {
      const decision = await this.#o.authorizer.decide({ principal, access: { permission, scope: 'org' }, org: client.orgId });
      if (decision.allow) held.push(permission);
      else if (requested !== undefined && requested.trim() !== '') {
        throw new OAuthError('invalid_scope', `The scope ${permission} is no longer held by the client's creator`);
      }
    }
    if (held.length === 0) throw new OAuthError('invalid_scope', 'The client holds none of its scopes any more');
    return held;
  }

  async #verified(token: string): Promise<AccessTokenClaims | undefined> {
    try {
      return (await this.#o.tokens.verify(token)).claims;
    } catch (error) {
      if (error instanceof DomainError && (error.code === 'token_invalid' || error.code === 'token_expired')) return undefined;
      throw error;
    }
  }

  async #audit(
    client: StoredServiceClient,
    action: AuditAction,
    result: 'success' | 'failure',
    context: RequestContext,
    details: Readonly<Record<string, unknown>>,
    reason?: string,
  ): Promise<void> {
    await this.#o.audit.record(this.#event(client, action, result, context, details, reason));
  }

  #event(
    client: StoredServiceClient,
    action: AuditAction,
    result: 'success' | 'failure',
    context: RequestContext,
    details: Readonly<Record<string, unknown>>,
    reason?: string,
  ): AuditEvent {
    return {
      org: client.orgId,
      actor: { type: 'service', id: client.id },
      action,
      resource: client.id,
      result,
      ...(reason === undefined ? {} : { reason }),
      sourceIp: context.ip,
      requestId: context.requestId,
      ...(context.userAgent === undefined ? {} : { userAgent: context.userAgent }),
      details,
    };
  }
}
