import type { TrustedIssuer } from '../domain/trusted-issuer.js';

/** Why a JWK Set could not be had: a short, safe reason (an outbound outcome), never the body. */
export class JwksUnavailableError extends Error {
  readonly reason: string;

  constructor(reason: string) {
    super(`JWKS unavailable: ${reason}`);
    this.name = 'JwksUnavailableError';
    this.reason = reason;
  }
}

/**
 * Where an issuer's published keys come from.
 *
 * Guarantees: `fetch` asks the issuer's JWKS URL once, through the SSRF guard (no address the
 * guard refuses is ever connected to), reads a bounded body, and resolves with the parsed JSON —
 * or rejects with a {@link JwksUnavailableError}. It never follows a redirect and never caches.
 */
export interface JwksSource {
  fetch(issuer: TrustedIssuer): Promise<unknown>;
}
