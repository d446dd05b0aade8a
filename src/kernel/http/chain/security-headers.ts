/**
 * Layer 4, security headers: the spec's list on every response — answers, errors, 404s and
 * preflights alike. A step of the request pass marked `always` (request-pass.ts): it runs on every
 * exit of the pass, an early refusal or a preflight included, and sets the headers before anything
 * is answered, so an error answered later keeps them (Fastify keeps a reply's headers when it
 * answers an error). A route may declare its own policy in `config.csp` (the `/docs` reference
 * page), and may still set its own `Content-Security-Policy` or `Cache-Control` header in its
 * handler (e.g. the console's assets), which replaces the default set here; everything else is
 * fixed. Precomputed per policy: this runs on every request.
 */
import type { RouteOptions } from 'fastify';
import type { PassStep } from './request-pass.js';

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

/** A CSP a route may declare: printable ASCII without quotes' abuse of the header line (no CR/LF). */
const DECLARABLE_CSP = /^[\x20-\x7e]{1,4096}$/;

/** Refuses, at start and naming the route, a `config.csp` that is not a usable header value. */
function checkDeclaredCsp(route: RouteOptions): void {
  const csp: unknown = route.config?.csp;
  if (csp === undefined) return;
  if (typeof csp !== 'string' || !DECLARABLE_CSP.test(csp) || csp.trim() === '') {
    const method = Array.isArray(route.method) ? route.method.join(',') : String(route.method);
    throw new Error(`route ${method} ${route.url} declares a config.csp that is not a non-empty header value of printable ASCII`);
  }
}

/** The step: the fixed headers, the route's CSP (or {@link API_CSP}) and `Cache-Control: no-store`. */
export function securityHeadersStep(options: SecurityHeadersOptions = {}): PassStep {
  const fixed = [...fixedSecurityHeaders(options.hstsMaxAge), ['cache-control', 'no-store']] as const;
  return {
    name: 'security-headers',
    always: true,
    onRoute: checkDeclaredCsp,
    run: (request, reply) => {
      // `Cache-Control: no-store` among them: answers may hold personal data or secrets, and no
      // cache keeps them unless a route says so.
      for (const [name, value] of fixed) reply.header(name, value);
      reply.header('content-security-policy', request.routeConfig.csp ?? API_CSP);
      return undefined;
    },
  };
}
