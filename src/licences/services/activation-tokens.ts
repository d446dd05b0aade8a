/**
 * Mints and verifies activation tokens (client/activation-token-format.ts) with the deployment's
 * `licences` key, through the signing capability only. Rules:
 * 1. a token is fresh for `ttl` seconds from its issue; `refresh_after` is half-way;
 * 2. its `grace_until` is `exp` + the grace period, and neither `exp` nor `grace_until` passes the
 *    licence's own expiry;
 * 3. verification fixes the algorithm (EdDSA) and the type, asks the signing capability whether
 *    the `kid` is a published `licences` key valid now and the signature verifies, then checks the
 *    issuer; only then is a claim read by anyone.
 * The protected header names the key that signs, which the signer tells only after signing: the
 * last key id is remembered, and a token signed by another key (after a rotation) is signed again
 * with the right `kid` — twice in a key's lifetime, once per instance.
 */
import type { Clock } from '../../kernel/ports/clock.js';
import { activationSigningInput, parseActivationToken, type ActivationClaims } from '../client/activation-token-format.js';
import type { Activation } from '../domain/licence.js';
import type { ActivationCheck } from '../ports/licence-store.js';
import type { LicenceSigner } from '../ports/licence-signer.js';

export interface ActivationTokensOptions {
  readonly signer: LicenceSigner;
  readonly clock: Clock;
  /** The `iss` of every token: RAMPART_PUBLIC_URL. */
  readonly issuer: string;
  /** Seconds a token is fresh. */
  readonly ttl: number;
  /** Seconds of offline grace past `exp`. */
  readonly grace: number;
}

/** A minted token and its claims. */
export interface MintedToken {
  readonly token: string;
  readonly claims: ActivationClaims;
}

const seconds = (ms: number): number => Math.floor(ms / 1000);

export class ActivationTokens {
  readonly #o: ActivationTokensOptions;
  #kid = '';

  constructor(options: ActivationTokensOptions) {
    this.#o = Object.freeze({ ...options });
  }

  async mint(licence: ActivationCheck['licence'], activation: Activation): Promise<MintedToken> {
    const now = seconds(this.#o.clock.now());
    const licenceEnd = licence.expiresAt === null ? Number.POSITIVE_INFINITY : seconds(licence.expiresAt);
    const exp = Math.min(now + this.#o.ttl, licenceEnd);
    const claims: ActivationClaims = {
      iss: this.#o.issuer,
      lic: licence.id,
      org: licence.orgId,
      act: activation.id,
      ins: activation.installationId,
      product: licence.product,
      features: [...licence.features],
      iat: now,
      refresh_after: Math.min(now + Math.floor(this.#o.ttl / 2), exp),
      exp,
      grace: this.#o.grace,
      grace_until: Math.min(exp + this.#o.grace, licenceEnd),
      licence_expires_at: licence.expiresAt === null ? null : seconds(licence.expiresAt),
    };
    return { token: await this.#sign(claims), claims };
  }

  async #sign(claims: ActivationClaims): Promise<string> {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const input = activationSigningInput(this.#kid, claims);
      const { keyId, signature } = await this.#o.signer.sign('licences', Buffer.from(input, 'ascii'));
      if (keyId === this.#kid) return `${input}.${signature.toString('base64url')}`;
      this.#kid = keyId;
    }
    throw new Error('the licences signing key changed twice while one token was signed');
  }

  /** The claims of `token` when it is a genuine activation token of this deployment; undefined otherwise. */
  async verify(token: string): Promise<ActivationClaims | undefined> {
    const parts = parseActivationToken(token);
    if (parts === undefined) return undefined;
    const genuine = await this.#o.signer.verify('licences', parts.kid, parts.signingInput, parts.signature, this.#o.clock.now());
    if (!genuine || parts.claims.iss !== this.#o.issuer) return undefined;
    return parts.claims;
  }
}
