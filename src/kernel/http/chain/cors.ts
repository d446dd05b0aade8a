/**
 * Layer 3, CORS. An exact allow-list (`RAMPART_CORS_ORIGINS`): never `*`, never `null`, no
 * patterns. Only a listed origin gets `Access-Control-Allow-Origin` (its own value) and
 * credentials; every response varies on `Origin`; preflights are answered here, before
 * authentication (browsers send no credentials on them), and cached for ten minutes.
 */
import { answer, type RequestStep } from './request-pass.js';

export interface CorsOptions {
  readonly origins: readonly string[];
}

const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
/**
 * `X-Rampart-CSRF` is the header the cookie CSRF rule reads (identity/browser/services/csrf-policy.ts);
 * a listed origin's page sends it on its unsafe requests, and reads it back from the answer that
 * replaces a session after a privilege change.
 */
const ALLOWED_HEADERS = 'Authorization, Content-Type, Idempotency-Key, X-Request-Id, X-Rampart-CSRF, DPoP';
const EXPOSED_HEADERS =
  'X-Request-Id, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy, Idempotent-Replayed, Location, X-Rampart-CSRF';
const PREFLIGHT_MAX_AGE = '600';

const PLAIN_VARY = 'Origin';
const PREFLIGHT_VARY = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
const NO_CONTENT = answer(204);

/** The step: CORS headers for a listed origin; a preflight is answered here (204). */
export function corsStep(options: CorsOptions): RequestStep {
  const allowed = new Set(options.origins);
  return (request, reply) => {
    const origin = request.headers.origin;
    const preflight = request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
    reply.header('vary', preflight ? PREFLIGHT_VARY : PLAIN_VARY);
    const listed = typeof origin === 'string' && allowed.has(origin);
    if (listed) {
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-allow-credentials', 'true');
    }
    if (!preflight) {
      if (listed) reply.header('access-control-expose-headers', EXPOSED_HEADERS);
      return undefined;
    }
    // A preflight from an unlisted origin gets no CORS headers: the browser refuses the request.
    if (listed) {
      reply.header('access-control-allow-methods', ALLOWED_METHODS);
      reply.header('access-control-allow-headers', ALLOWED_HEADERS);
      reply.header('access-control-max-age', PREFLIGHT_MAX_AGE);
    }
    return NO_CONTENT;
  };
}
