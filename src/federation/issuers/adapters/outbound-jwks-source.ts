/**
 * {@link JwksSource} over Rampart's one outbound HTTP client (kernel/net/outbound-http.ts): the
 * SSRF guard checks the URL and pins the connection to the addresses it checked, redirects are not
 * followed, each phase has a short deadline (a request may be waiting on the answer), and the body
 * is read up to {@link MAX_JWKS_BYTES}.
 */
import { sendOutbound } from '../../../kernel/net/outbound-http.js';
import type { OutboundPolicy, Resolver } from '../../../kernel/net/outbound-policy.js';
import type { TrustedIssuer } from '../domain/trusted-issuer.js';
import { JwksUnavailableError, type JwksSource } from '../ports/jwks-source.js';

/** A JWK Set of a hundred RSA-4096 keys is about 80 KiB: more than any issuer publishes. */
export const MAX_JWKS_BYTES = 128 * 1024;
const TIMEOUTS = Object.freeze({ connectMs: 3_000, headersMs: 5_000, bodyMs: 5_000 });

export class OutboundJwksSource implements JwksSource {
  readonly #policy: OutboundPolicy;
  readonly #resolver: Resolver;

  constructor(policy: OutboundPolicy, resolver: Resolver) {
    this.#policy = policy;
    this.#resolver = resolver;
  }

  async fetch(issuer: TrustedIssuer): Promise<unknown> {
    const result = await sendOutbound(
      {
        url: issuer.jwksUri,
        method: 'GET',
        headers: { accept: 'application/jwk-set+json, application/json' },
        timeouts: TIMEOUTS,
        maxResponseBytes: MAX_JWKS_BYTES,
      },
      this.#policy,
      this.#resolver,
    );
    if (result.outcome !== 'ok' || result.body === undefined) {
      const status = result.status === undefined ? '' : ` (HTTP ${result.status})`;
      throw new JwksUnavailableError(`${result.outcome}${status}${result.reason === undefined ? '' : `: ${result.reason}`}`);
    }
    try {
      return JSON.parse(result.body.toString('utf8')) as unknown;
    } catch {
      throw new JwksUnavailableError('the answer is not JSON');
    }
  }
}
