/**
 * `Authorization: Bearer <access JWT>` (RFC 6750 §2.1). The signature is verified once per token
 * (then served from the verified-token cache until `exp`); the session is checked on every request
 * against this instance's revocation set — a Map lookup, no database read — which the revocation
 * bus keeps current on every instance. Credentials that are not a JWS (API keys, `rk_…`) are left to other authenticators.
 *
 * Anything shaped like a compact JWS is ours to judge, an empty signature included (`alg: none`, a
 * stripped signature): it fails verification, 401 `token_invalid` — never `unauthenticated`, which
 * is for a missing credential (spec v1.1, "Refinements"). One naming another issuer in `iss` is
 * left to the trusted-issuer authenticator (federation/issuers/), which refuses every issuer it
 * does not trust, as the authentication layer refuses a credential nobody recognises.
 * A user token without `org` carries the user's whole live authority, which the authorizer
 * evaluates on every request (identity/tokens/services/token-service.ts). An active-org token
 * (issue 22 item 4) is bounded by its claims: the principal is confined to `org` (another org's
 * routes answer as for a non-member, 404) and holds only `scope` ∩ the member's live role there
 * (403 outside it) — the authorizer's rules for a confined credential, not a check per route. A
 * change of that org's memberships or roles ends such tokens (org-token-floor.ts): 401 `token_expired`.
 */
import { DomainError } from '../../../kernel/domain/errors.js';
import type { AuthenticationResult } from '../../../kernel/domain/principal.js';
import type { Authenticator, CredentialRequest } from '../../../kernel/ports/authenticator.js';
import type { RevocationWatcher } from '../../sessions/services/revocation-watcher.js';
import type { TokenService } from './token-service.js';
import type { OrgTokenFloor } from './org-token-floor.js';
import type { Principal } from '../../../kernel/domain/principal.js';
import type { AccessTokenClaims } from '../domain/access-token.js';

/** The principal of a user token: confined to its `org` and `scope` when it names an org. */
function principalOf(claims: AccessTokenClaims): Principal {
  const base = { type: 'user' as const, id: claims.sub, sessionId: claims.sid, via: 'bearer' as const };
  if (claims.org === undefined) return base;
  return { ...base, org: claims.org, scopes: (claims.scope ?? '').split(' ').filter((s) => s !== '') };
}

/** RFC 6750 §2.1: `Bearer` (case-insensitive scheme, RFC 9110 §11.1), one space, the token. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
const NONE: AuthenticationResult = Object.freeze({ outcome: 'none' });
const MALFORMED: AuthenticationResult = Object.freeze({
  outcome: 'rejected',
  code: 'token_invalid',
  detail: 'The Authorization header is malformed',
});

export class BearerAuthenticator implements Authenticator {
  readonly name = 'bearer';
  readonly #tokens: Pick<TokenService, 'verifyOwn' | 'verifiedBefore'>;
  readonly #revocations: Pick<RevocationWatcher, 'isRevoked'>;
  readonly #floor: Pick<OrgTokenFloor, 'isStale'> | undefined;

  constructor(
    tokens: Pick<TokenService, 'verifyOwn' | 'verifiedBefore'>,
    revocations: Pick<RevocationWatcher, 'isRevoked'>,
    floor?: Pick<OrgTokenFloor, 'isStale'>,
  ) {
    this.#tokens = tokens;
    this.#revocations = revocations;
    this.#floor = floor;
  }

  async authenticate(request: CredentialRequest): Promise<AuthenticationResult> {
    const token = tokenOf(request.authorization);
    if (typeof token !== 'string') return token;
    try {
      const verified = await this.#tokens.verifyOwn(token);
      return verified === undefined ? { outcome: 'none' } : this.#judge(verified.claims);
    } catch (error) {
      if (error instanceof DomainError && (error.code === 'token_expired' || error.code === 'token_invalid')) {
        return { outcome: 'rejected', code: error.code, detail: error.detail };
      }
      throw error;
    }
  }

  /** From memory: a token this instance verified before (and whose key still verifies); else `undefined`. */
  authenticateNow(request: CredentialRequest): AuthenticationResult | undefined {
    const token = tokenOf(request.authorization);
    if (typeof token !== 'string') return token;
    const verified = this.#tokens.verifiedBefore(token);
    return verified === undefined ? undefined : this.#judge(verified.claims);
  }

  /** What a verified token is worth now: its session may have been revoked since, or its org changed. */
  #judge(claims: AccessTokenClaims): AuthenticationResult {
    // A service client's token (RFC 9068 `client_id`) is the client-token authenticator's.
    if (claims.client_id !== undefined) return { outcome: 'none' };
    if (this.#revocations.isRevoked(claims.sid)) {
      return { outcome: 'rejected', code: 'session_revoked', detail: 'The session of this token has been revoked' };
    }
    if (claims.org !== undefined && this.#floor?.isStale(claims.org, claims.iat) === true) {
      return { outcome: 'rejected', code: 'token_expired', detail: "The org's memberships or roles changed: refresh the token" };
    }
    return { outcome: 'authenticated', principal: principalOf(claims) };
  }
}

/**
 * The common case in one pass: `Bearer` and a compact JWS (RFC 7515 §7.1: three base64url parts,
 * all of them b64token characters; the signature may be empty in a forgery, still ours to refuse).
 */
const BEARER_JWS = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i;

/** The token of a bearer header, or the result when there is none to judge (not ours, or malformed). */
function tokenOf(header: string | undefined): string | AuthenticationResult {
  if (header === undefined) return NONE;
  const jws = BEARER_JWS.exec(header)?.[1];
  if (jws !== undefined) return jws;
  if (!/^bearer /i.test(header)) return NONE;
  // Not a JWS: malformed for RFC 6750, or well formed and someone else's — an API key (`rk_…`),
  // a host application's own token — which the other authenticators judge.
  return BEARER.test(header) ? NONE : MALFORMED;
}
