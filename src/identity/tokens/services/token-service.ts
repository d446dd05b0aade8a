/**
 * Access tokens: the keyring persisted through the {@link SigningKeyStore}, signing (RFC 9068
 * profile, `iss` = RAMPART_PUBLIC_URL, `aud` = the configured audience, which is RAMPART_PUBLIC_URL
 * — Rampart is the resource server of its own tokens), verification once per token through the
 * {@link CachedVerifier}, and the JWKS.
 *
 * Several instances share one store: each reloads the keyring from it periodically (and `rampart
 * keys rotate` writes there), so a key added anywhere is published and accepted everywhere while
 * the key it replaced keeps verifying until it retires — no request fails across a rotation.
 *
 * Every user token carries `scope` (spec v1.1, "Refinements"): the user's platform permissions,
 * or with an org chosen at refresh, `org` and the user's permissions in that org, as the
 * {@link TokenScopes} port answers at issue time (sorted, space-separated; empty when none). The
 * claim describes the token for its relying parties; Rampart itself authorizes every request on
 * the user's live roles (a role taken away stops working at once, not when the token expires).
 */
import { signAccessToken, type SignedAccessToken, type VerifiedAccessToken } from '../crypto/access-token.js';
import { CachedVerifier } from '../crypto/cached-verifier.js';
import { Keyring, type JsonWebKeySet, type KeyringOptions, type VerificationKey } from '../crypto/keyring.js';
import { signingKeyStateAt, type SigningAlgorithm } from '../domain/signing-key.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { SigningKeyStore } from '../ports/signing-key-store.js';
import { DomainError } from '../../../kernel/domain/errors.js';
import { NO_TOKEN_SCOPES, type OrgPermissions, type TokenScopes } from '../ports/token-scopes.js';
import type { OrgTokenFloor } from './org-token-floor.js';

export interface TokenServiceOptions {
  readonly store: SigningKeyStore;
  readonly clock: Clock;
  /** `iss`, compared exactly. */
  readonly issuer: string;
  /** `aud` of every token, and the audience a token must name to be accepted here. */
  readonly audience: string;
  /** Access-token lifetime in seconds (≤ 900). */
  readonly ttlSeconds: number;
  /**
   * The algorithm of keys this service generates (RAMPART_ACCESS_TOKEN_ALG; EdDSA by default). It
   * applies at the next {@link TokenService.rotate}: existing keys keep their own algorithm, and
   * each token is verified with its key's algorithm only.
   */
  readonly algorithm?: SigningAlgorithm;
}

/** What a signed token says about its holder. */
export interface AccessTokenSubject {
  readonly userId: string;
  readonly email: string;
  readonly sessionId: string;
  /**
   * The org the token is for (a refresh with `org`), as {@link TokenService.orgScope} resolved it:
   * the token carries its id in `org` and these permissions in `scope`. Without it, `scope` holds
   * the user's platform permissions.
   */
  readonly org?: OrgPermissions;
}

/** RFC 6749 §3.3: scope tokens, space-separated; sorted so that equal authority reads the same. */
function scopeOf(permissions: readonly string[]): string {
  return [...new Set(permissions)].sort().join(' ');
}

export class TokenService {
  readonly #options: TokenServiceOptions;
  #keyring: Keyring;
  readonly #verifier: CachedVerifier;
  #scopes: TokenScopes = NO_TOKEN_SCOPES;
  #floor: Pick<OrgTokenFloor, 'waitPast'> | undefined;

  constructor(options: TokenServiceOptions) {
    this.#options = options;
    this.#keyring = new Keyring(this.#keyringOptions());
    // The verifier reads whichever keyring is current: a reload swaps it under the cache.
    const keyring = {
      verificationKey: (kid: string): VerificationKey | undefined => this.#keyring.verificationKey(kid),
      isVerifying: (kid: string): boolean => this.#keyring.isVerifying(kid),
    };
    this.#verifier = new CachedVerifier({ issuer: options.issuer, audience: options.audience, keyring, clock: options.clock });
  }

  /** Loads the keys from the store; generates and stores the first one when none signs. */
  async start(): Promise<void> {
    await this.reload();
    if (!this.#hasActiveKey()) await this.rotate();
  }

  /** Re-reads the store (keys added or retired by another instance or the CLI). */
  async reload(): Promise<void> {
    const now = this.#options.clock.now();
    // Retired keys are history: they are never loaded, so they can never verify.
    const records = (await this.#options.store.list()).filter((r) => signingKeyStateAt(r.state, r.retire_after, now) !== 'retired');
    this.#keyring = await Keyring.fromRecords(records, this.#keyringOptions());
  }

  #keyringOptions(): KeyringOptions {
    const { clock, algorithm } = this.#options;
    return algorithm === undefined ? { clock } : { clock, algorithm };
  }

  /** Adds a new active key and demotes the active one to retiring, in the store and here. */
  async rotate(): Promise<string> {
    await this.reload();
    const rotation = await this.#keyring.rotate();
    await this.#options.store.save(rotation.added);
    for (const record of rotation.retiring) {
      await this.#options.store.update(record.kid, { state: record.state, retire_after: record.retire_after });
    }
    return rotation.added.kid;
  }

  #hasActiveKey(): boolean {
    try {
      this.#keyring.signingKey();
      return true;
    } catch {
      return false;
    }
  }

  /** Installs where `scope` comes from (the authorizer's capability, at composition). */
  useScopes(scopes: TokenScopes): void {
    this.#scopes = scopes;
  }

  /** Installs the floor of active-org tokens: an org token is not signed in the second of a change (org-token-floor.ts). */
  useFloor(floor: Pick<OrgTokenFloor, 'waitPast'>): void {
    this.#floor = floor;
  }

  /**
   * The org `idOrSlug` and the user's permissions there, for a token of that org; 404 `not_found`
   * when the org does not exist or the user is not an active member (the two look the same).
   */
  async orgScope(userId: string, idOrSlug: string): Promise<OrgPermissions> {
    const org = await this.#scopes.inOrg(userId, idOrSlug);
    if (org === undefined) throw new DomainError('not_found', 'No such org');
    return org;
  }

  /** A new access token for a session (claims of test/fixtures/spec-api-v1.md "Authentication"). */
  async issue(subject: AccessTokenSubject): Promise<SignedAccessToken> {
    const permissions = subject.org?.permissions ?? (await this.#scopes.platform(subject.userId));
    if (subject.org !== undefined) await this.#floor?.waitPast(subject.org.orgId);
    return signAccessToken(
      {
        issuer: this.#options.issuer,
        subject: subject.userId,
        audience: this.#options.audience,
        sessionId: subject.sessionId,
        email: subject.email,
        scope: scopeOf(permissions),
        ...(subject.org === undefined ? {} : { org: subject.org.orgId }),
        ttlSeconds: this.#options.ttlSeconds,
      },
      this.#keyring,
    );
  }

  /**
   * A token for an OAuth service client (RFC 6749 §4.4.3, RFC 9068): `sub` and `client_id` are the
   * client id, `sid` too (a client's tokens die with it), `scope` and `org` as granted.
   */
  issueForClient(grant: {
    readonly clientId: string;
    readonly org: string;
    readonly scope: string;
    /** An application's own audience (RFC 8707), already checked against the client's; default Rampart's. */
    readonly audience?: string;
  }): Promise<SignedAccessToken> {
    return signAccessToken(
      {
        issuer: this.#options.issuer,
        subject: grant.clientId,
        audience: grant.audience ?? this.#options.audience,
        sessionId: grant.clientId,
        clientId: grant.clientId,
        scope: grant.scope,
        org: grant.org,
        ttlSeconds: this.#options.ttlSeconds,
      },
      this.#keyring,
    );
  }

  /** The issuer (`iss`) of every token: RAMPART_PUBLIC_URL. */
  get issuer(): string {
    return this.#options.issuer;
  }

  /** Verifies (once per token, then from the cache); rejects with `token_expired` / `token_invalid`. */
  verify(token: string): Promise<VerifiedAccessToken> {
    return this.#verifier.verify(token);
  }

  /**
   * As {@link verify}, but resolves `undefined` for a token that names another issuer than this
   * Rampart: a trusted external issuer's token, left to the federation's authenticator.
   */
  verifyOwn(token: string): Promise<VerifiedAccessToken | undefined> {
    return this.#verifier.verifyOwn(token);
  }

  /** A token of ours verified before and still valid, from memory; `undefined` when only {@link verifyOwn} can tell. */
  verifiedBefore(token: string): VerifiedAccessToken | undefined {
    return this.#verifier.verifiedBefore(token);
  }

  /** RFC 7517 JWK Set: active and retiring keys. */
  jwks(): JsonWebKeySet {
    return this.#keyring.jwks();
  }

  /** The algorithm of each published key (for the discovery document). */
  algorithms(): string[] {
    return [...new Set(this.#keyring.jwks().keys.map((key) => key.alg ?? ''))].filter((alg) => alg !== '');
  }
}
