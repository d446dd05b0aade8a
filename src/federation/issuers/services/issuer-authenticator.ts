/**
 * `Authorization: Bearer <JWT of a trusted external issuer>`. Identity's bearer authenticator and
 * the service-client authenticator leave every JWS whose `iss` is not Rampart's own to this one,
 * which is the last to judge a JWS. The rules, in order:
 * 1. only a compact JWS is looked at; one naming Rampart's own issuer is not ours (`none`);
 * 2. a token verified before is served from the cache while its key is still published and its
 *    bounding user still active (no signature check, no database read, no audit write);
 * 3. a token whose `iss` names no configured issuer is refused at once — no key is fetched for it;
 * 4. otherwise it is verified (issuers/crypto/issuer-token.ts) with the issuer's keys
 *    (issuers/services/issuer-key-sets.ts) and mapped to a principal (issuer-principals.ts);
 * 5. every refusal is 401 `token_invalid` with one detail whatever the reason (the reason goes to
 *    the aggregated audit entry), except that an issuer whose keys cannot be had and are not
 *    cached fails closed with 503 `service_unavailable`.
 */
import { DomainError } from '../../../kernel/domain/errors.js';
import type { AuthenticationResult } from '../../../kernel/domain/principal.js';
import type { Authenticator, CredentialRequest } from '../../../kernel/ports/authenticator.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import { claimedIssuer, verifyIssuerToken } from '../crypto/issuer-token.js';
import { tokenDigest } from '../crypto/token-digest.js';
import { IssuerTokenRefusal, type IssuerRefusalReason } from '../domain/issuer-refusal.js';
import type { TrustedIssuer } from '../domain/trusted-issuer.js';
import type { IssuerKeySets } from './issuer-key-sets.js';
import type { IssuerPrincipals } from './issuer-principals.js';
import type { IssuerRefusalAudit } from './issuer-refusal-audit.js';
import type { IssuerTokenCache } from './issuer-token-cache.js';

/** RFC 6750 §2.1: `Bearer` (case-insensitive scheme), one or more spaces, the token. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
/** RFC 7515 §7.1: three non-empty base64url parts (an empty one was refused before us). */
const JWS_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const DETAIL = 'The token is not valid';

export interface IssuerAuthenticatorOptions {
  readonly issuers: readonly TrustedIssuer[];
  /** Rampart's own `iss` (RAMPART_PUBLIC_URL): its tokens are identity's. */
  readonly ownIssuer: string;
  readonly keys: IssuerKeySets;
  readonly principals: IssuerPrincipals;
  readonly cache: IssuerTokenCache;
  readonly refusals: IssuerRefusalAudit;
  readonly clock: Clock;
}

export class IssuerAuthenticator implements Authenticator {
  readonly name = 'trusted-issuer';
  readonly #o: IssuerAuthenticatorOptions;
  readonly #byIss: ReadonlyMap<string, TrustedIssuer>;

  constructor(options: IssuerAuthenticatorOptions) {
    this.#o = options;
    this.#byIss = new Map(options.issuers.map((issuer) => [issuer.issuer, issuer]));
  }

  async authenticate(request: CredentialRequest): Promise<AuthenticationResult> {
    const header = request.authorization;
    if (header === undefined || !/^bearer /i.test(header)) return { outcome: 'none' };
    const token = BEARER.exec(header)?.[1];
    if (token === undefined || !JWS_SHAPE.test(token)) return { outcome: 'none' };
    const key = tokenDigest(token);
    const hit = this.#o.cache.get(key);
    if (hit !== undefined) {
      if (this.#o.keys.stillServes(hit.issuer, hit.kid, hit.generation)) {
        const active = this.#o.principals.knownActive(hit.mapped.boundBy) ?? (await this.#o.principals.isActive(hit.mapped.boundBy));
        if (active) return { outcome: 'authenticated', principal: hit.mapped.principal };
        this.#o.cache.delete(key);
        return this.#refuse(request, hit.issuer, 'inactive_user');
      }
      this.#o.cache.delete(key);
    }
    const iss = claimedIssuer(token);
    if (iss === this.#o.ownIssuer) return { outcome: 'none' };
    const issuer = iss === undefined ? undefined : this.#byIss.get(iss);
    if (issuer === undefined) return this.#refuse(request, undefined, 'untrusted_issuer', iss);
    try {
      const verified = await verifyIssuerToken(token, issuer, this.#o.keys.keysFor(issuer), this.#o.clock.now());
      const mapped = await this.#o.principals.map(issuer, verified.claims);
      const generation = this.#o.keys.generation(issuer.name);
      this.#o.cache.set(key, { issuer: issuer.name, kid: verified.kid, generation, expiresAt: verified.expiresAt, mapped });
      return { outcome: 'authenticated', principal: mapped.principal };
    } catch (error) {
      if (error instanceof IssuerTokenRefusal) return this.#refuse(request, issuer.name, error.reason);
      throw error;
    }
  }

  async #refuse(
    request: CredentialRequest,
    issuer: string | undefined,
    reason: IssuerRefusalReason,
    claimed?: string,
  ): Promise<AuthenticationResult> {
    await this.#o.refusals.record({ issuer, claimedIssuer: claimed, reason, ip: request.ip, userAgent: request.userAgent });
    if (reason === 'jwks_unavailable') {
      throw new DomainError('service_unavailable', "The token issuer's keys cannot be fetched right now; try again later");
    }
    return { outcome: 'rejected', code: 'token_invalid', detail: DETAIL };
  }
}
