/**
 * The trusted external issuers (RAMPART_TRUSTED_ISSUERS) on the kernel, identity (users), tenancy
 * (the built-in roles' permissions) and audit: their keys fetched through the SSRF guard, the
 * verified-token cache, the principals' user-status cache (on the revocation bus), the aggregated
 * refusal audit, and the authenticator the part contributes. With no issuer configured the
 * authenticator is still there: it is the last judge of a JWS naming another issuer, and refuses it.
 */
import type { Earlier, Kernel, Part } from '../../kernel/part.js';
import { outboundPolicyOf, systemResolver } from '../../kernel/net/outbound-policy.js';
import { OutboundJwksSource } from './adapters/outbound-jwks-source.js';
import type { TrustedIssuer } from './domain/trusted-issuer.js';
import type { JwksSource } from './ports/jwks-source.js';
import { IssuerAuthenticator } from './services/issuer-authenticator.js';
import { IssuerKeySets } from './services/issuer-key-sets.js';
import { IssuerPrincipals } from './services/issuer-principals.js';
import { IssuerRefusalAudit } from './services/issuer-refusal-audit.js';
import { IssuerTokenCache } from './services/issuer-token-cache.js';

export { type TrustedIssuer } from './domain/trusted-issuer.js';

/** The trusted issuers, as the server and tests see them. */
export interface Issuers {
  /** The configured issuers, in configuration order. */
  readonly trusted: readonly TrustedIssuer[];
  /** How many times the JWKS of the issuer `name` has been fetched by this instance. */
  fetchCount(name: string): number;
  /** Writes out the refusals counted but not yet recorded (also done every minute and at close). */
  flushRefusals(): Promise<void>;
}

export async function composeIssuers(kernel: Kernel, earlier: Earlier, source?: JwksSource): Promise<Part<Issuers>> {
  const { config, clock, bus, logger } = kernel;
  const identity = earlier.need('identity', 'federation');
  const tenancy = earlier.need('tenancy', 'federation');
  const { log: audit } = earlier.need('audit', 'federation');
  const keys = new IssuerKeySets({
    source: source ?? new OutboundJwksSource(outboundPolicyOf(config), systemResolver()),
    clock,
    onFetchFailed: (issuer, reason) => logger.warn({ issuer, reason }, 'trusted issuer: JWKS fetch failed'),
  });
  const principals = new IssuerPrincipals({
    users: identity.users,
    bus,
    clock,
    rolePermissions: (role) => tenancy.registry.builtin(role),
  });
  await principals.start();
  kernel.closers.add('trusted issuer principals', principals);
  const refusals = new IssuerRefusalAudit(audit, clock);
  refusals.start(kernel.onError('trusted issuer refusal summary'));
  kernel.closers.add('trusted issuer refusal audit', refusals);
  const authenticator = new IssuerAuthenticator({
    issuers: config.trustedIssuers,
    ownIssuer: identity.tokens.issuer,
    keys,
    principals,
    cache: new IssuerTokenCache(clock),
    refusals,
    clock,
  });
  const facade: Issuers = Object.freeze({
    trusted: config.trustedIssuers,
    fetchCount: (name: string) => keys.fetchCount(name),
    flushRefusals: () => refusals.flush(true),
  });
  return { facade, authenticators: [authenticator] };
}
