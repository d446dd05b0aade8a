/**
 * Layer 4, security headers: the spec's list on every response — answers, errors, 404s and
 * preflights alike — which is why it runs at `onSend`, the one hook every reply passes. A route may
 * set its own `Content-Security-Policy` or `Cache-Control` (e.g. the console's assets);
 * everything else is fixed. Precomputed once: this runs on every request.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

export interface SecurityHeadersOptions {
  /** `max-age` of `Strict-Transport-Security`, in seconds. */
  readonly hstsMaxAge?: number;
}

// An API answers JSON: nothing in it may load, frame or submit anything.
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** The headers no route may change. */
export function fixedSecurityHeaders(hstsMaxAge = 31_536_000): [string, string][] {
  return [
    ['strict-transport-security', `max-age=${hstsMaxAge}; includeSubDomains`],
    ['x-content-type-options', 'nosniff'],
    ['x-frame-options', 'DENY'],
    ['referrer-policy', 'no-referrer'],
    ['cross-origin-opener-policy', 'same-origin'],
    ['cross-origin-resource-policy', 'same-origin'],
  ];
}

/** Every header, for answers written outside the chain (malformed HTTP, malformed URLs). */
export function allSecurityHeaders(): [string, string][] {
  return [...fixedSecurityHeaders(), ['content-security-policy', API_CSP], ['cache-control', 'no-store']];
}

const securityHeaders: FastifyPluginAsync<SecurityHeadersOptions> = async (app, options) => {
  const fixed = fixedSecurityHeaders(options.hstsMaxAge);
  app.addHook('onSend', (_request, reply, payload, done) => {
    for (const [name, value] of fixed) reply.header(name, value);
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', API_CSP);
    // Answers may hold personal data or secrets: no cache keeps them unless a route says so.
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
};

export default fp(securityHeaders, { name: 'rampart-security-headers', fastify: '5.x', dependencies: [] });
