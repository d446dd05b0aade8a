/**
 * `Authorization: Bearer <access token of a service client>`: an access token that carries RFC
 * 9068's `client_id` claim. The rules, in order:
 * 1. only what is shaped like a compact JWS is looked at; one with an empty part (an unsigned,
 *    `alg: none` or signature-stripped token) is refused as 401 `token_invalid` — a credential
 *    that is present but fails verification is never treated as missing; the rest is verified by
 *    the same cached verifier as user tokens (signature once per token, then a hash lookup);
 * 2. a token without `client_id` is a user's (the bearer authenticator's);
 * 3. a token of a revoked client, or revoked by its `jti` (RFC 7009), is refused — from memory,
 *    kept current on every instance by the revocation bus;
 * 4. a token whose client's creator is disabled or erased is refused (`token_invalid`): the
 *    creator and their status are read once and kept at most {@link CLIENT_OWNER_TTL_MS}, and an
 *    `api_key` event naming the creator (published when all of a user's sessions are revoked:
 *    disabled, erased) drops what every instance kept at once;
 * 5. while the MFA requirement is on, a client whose creator is an owner or admin without a second
 *    factor is refused with 403 `mfa_enrollment_required` until the creator enrols;
 * 6. the principal is `service`, confined to the token's org, with the token's scopes, and owned by
 *    the user who created the client, so the authorizer bounds it by that user's current permissions.
 */
import { DomainError } from '../../kernel/domain/errors.js';
import type { AuthenticationResult, Principal } from '../../kernel/domain/principal.js';
import type { Authenticator, CredentialRequest } from '../../kernel/ports/authenticator.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { ClientStore } from '../ports/client-store.js';
import type { ApiKeyRevocations } from './api-key-revocations.js';
import type { ClientRevocations } from './client-revocations.js';
import type { TokenService, UserStore } from '../../identity/index.js';

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
const JWS_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** Three dot-separated base64url parts, some empty: a JWS with its signature (or more) cut off. */
const STRIPPED_JWS = /^[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;
const MAX_OWNERS = 10_000;
/** How long a client's creator, known active, is trusted without a read. */
export const CLIENT_OWNER_TTL_MS = 10_000;

export interface ClientTokenAuthenticatorOptions {
  readonly tokens: Pick<TokenService, 'verifyOwn'>;
  readonly revocations: Pick<ClientRevocations, 'isRevoked'>;
  readonly owners: Pick<ApiKeyRevocations, 'ownerChangedSince'>;
  readonly clients: Pick<ClientStore, 'findForAuthentication'>;
  readonly users: Pick<UserStore, 'findById'>;
  readonly clock: Clock;
  /** Whether the user must enrol a second factor before acting (identity's MFA enforcement). */
  readonly mustEnrol?: (userId: string) => Promise<boolean>;
}

interface Owner {
  readonly id: string;
  readonly checkedAt: number;
}

function invalid(detail: string): AuthenticationResult {
  return { outcome: 'rejected', code: 'token_invalid', detail };
}

export class ClientTokenAuthenticator implements Authenticator {
  readonly name = 'client-token';
  readonly #o: ClientTokenAuthenticatorOptions;
  /** client id → its creator, last found active at `checkedAt`. */
  readonly #owners = new Map<string, Owner>();

  constructor(options: ClientTokenAuthenticatorOptions) {
    this.#o = options;
  }

  async authenticate(request: CredentialRequest): Promise<AuthenticationResult> {
    const header = request.authorization;
    if (header === undefined || !/^bearer /i.test(header)) return { outcome: 'none' };
    const token = BEARER.exec(header)?.[1];
    if (token === undefined) return { outcome: 'none' };
    if (!JWS_SHAPE.test(token)) return STRIPPED_JWS.test(token) ? invalid('The token is unsigned or incomplete') : { outcome: 'none' };
    let claims;
    try {
      // A token of another issuer (a trusted external issuer's) is the federation's to judge.
      const verified = await this.#o.tokens.verifyOwn(token);
      if (verified === undefined) return { outcome: 'none' };
      ({ claims } = verified);
    } catch (error) {
      if (error instanceof DomainError && (error.code === 'token_expired' || error.code === 'token_invalid')) {
        return { outcome: 'rejected', code: error.code, detail: error.detail };
      }
      throw error;
    }
    const clientId = claims.client_id;
    if (clientId === undefined) return { outcome: 'none' };
    if (this.#o.revocations.isRevoked(clientId, claims.jti)) return invalid('The token or its client has been revoked');
    const owner = await this.#activeOwnerOf(clientId);
    if (owner === undefined || claims.org === undefined) return invalid('The client is unknown or its creator is not active');
    if (this.#o.mustEnrol !== undefined && (await this.#o.mustEnrol(owner))) {
      throw new DomainError('mfa_enrollment_required', "The client's creator must enrol a second factor before the client can be used");
    }
    const principal: Principal = {
      type: 'service',
      id: clientId,
      via: 'client',
      scopes: (claims.scope ?? '').split(' ').filter((s) => s !== ''),
      owner,
      org: claims.org,
    };
    return { outcome: 'authenticated', principal };
  }

  /** The client's creator when they are an active user; `undefined` for an unknown client or an inactive creator. */
  async #activeOwnerOf(clientId: string): Promise<string | undefined> {
    const now = this.#o.clock.now();
    const known = this.#owners.get(clientId);
    if (
      known !== undefined &&
      now - known.checkedAt < CLIENT_OWNER_TTL_MS &&
      !this.#o.owners.ownerChangedSince(known.id, known.checkedAt)
    ) {
      return known.id;
    }
    this.#owners.delete(clientId);
    const ownerId = known?.id ?? (await this.#o.clients.findForAuthentication(clientId))?.createdBy;
    if (ownerId === undefined) return undefined;
    const user = await this.#o.users.findById(ownerId);
    if (user?.status !== 'active') return undefined;
    if (this.#owners.size >= MAX_OWNERS) this.#owners.clear();
    this.#owners.set(clientId, { id: ownerId, checkedAt: now });
    return ownerId;
  }
}
