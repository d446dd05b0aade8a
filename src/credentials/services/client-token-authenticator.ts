/**
 * `Authorization: Bearer <access token of a service client>`: an access token that carries RFC
 * 9068's `client_id` claim. The rules, in order:
 * 1. only a compact JWS is looked at; the token is verified by the same cached verifier as user
 *    tokens (signature once per token, then a hash lookup);
 * 2. a token without `client_id` is a user's (the bearer authenticator's);
 * 3. a token of a revoked client, or revoked by its `jti` (RFC 7009), is refused — from memory,
 *    kept current on every instance by the revocation bus;
 * 4. the principal is `service`, confined to the token's org, with the token's scopes, and owned by
 *    the user who created the client (read once per client and kept: it never changes), so the
 *    authorizer bounds it by that user's current permissions.
 */
import { DomainError } from '../../kernel/domain/errors.js';
import type { AuthenticationResult, Principal } from '../../kernel/domain/principal.js';
import type { Authenticator, CredentialRequest } from '../../kernel/ports/authenticator.js';
import type { ClientStore } from '../ports/client-store.js';
import type { ClientRevocations } from './client-revocations.js';
import type { TokenService } from '../../identity/index.js';

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
const JWS_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_OWNERS = 10_000;

export class ClientTokenAuthenticator implements Authenticator {
  readonly name = 'client-token';
  readonly #tokens: Pick<TokenService, 'verify'>;
  readonly #revocations: Pick<ClientRevocations, 'isRevoked'>;
  readonly #clients: Pick<ClientStore, 'findForAuthentication'>;
  /** client id → the user who created it. */
  readonly #owners = new Map<string, string>();

  constructor(
    tokens: Pick<TokenService, 'verify'>,
    revocations: Pick<ClientRevocations, 'isRevoked'>,
    clients: Pick<ClientStore, 'findForAuthentication'>,
  ) {
    this.#tokens = tokens;
    this.#revocations = revocations;
    this.#clients = clients;
  }

  async authenticate(request: CredentialRequest): Promise<AuthenticationResult> {
    const header = request.authorization;
    if (header === undefined || !/^bearer /i.test(header)) return { outcome: 'none' };
    const token = BEARER.exec(header)?.[1];
    if (token === undefined || !JWS_SHAPE.test(token)) return { outcome: 'none' };
    let claims;
    try {
      ({ claims } = await this.#tokens.verify(token));
    } catch (error) {
      if (error instanceof DomainError && (error.code === 'token_expired' || error.code === 'token_invalid')) {
        return { outcome: 'rejected', code: error.code, detail: error.detail };
      }
      throw error;
    }
    const clientId = claims.client_id;
    if (clientId === undefined) return { outcome: 'none' };
    if (this.#revocations.isRevoked(clientId, claims.jti)) {
      return { outcome: 'rejected', code: 'token_invalid', detail: 'The token or its client has been revoked' };
    }
    const owner = await this.#ownerOf(clientId);
    if (owner === undefined || claims.org === undefined)
      return { outcome: 'rejected', code: 'token_invalid', detail: 'The client is unknown' };
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

  async #ownerOf(clientId: string): Promise<string | undefined> {
    const known = this.#owners.get(clientId);
    if (known !== undefined) return known;
    const client = await this.#clients.findForAuthentication(clientId);
    if (client === undefined) return undefined;
    if (this.#owners.size >= MAX_OWNERS) this.#owners.clear();
    this.#owners.set(clientId, client.createdBy);
    return client.createdBy;
  }
}
