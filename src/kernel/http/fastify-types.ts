/**
 * What Rampart adds to Fastify's types: each route's declarations (access, rate limit,
 * idempotency) and each request's principal and request id.
 */
import type { HTTPMethods } from 'fastify';
import type { RouteAccess } from '../domain/access.js';
import type { Principal } from '../domain/principal.js';
import type { TenantScope } from '../domain/tenant-scope.js';

/** A route's own rate limit, counted apart from the caller's general budget. */
export interface RouteRateLimit {
  readonly max: number;
  readonly windowMs: number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route. Required: the server refuses to start without it. */
    access?: RouteAccess;
    /** `false` exempts the route; an object gives it its own window. Default: RAMPART_RATE_LIMIT per minute per caller. */
    rateLimit?: false | RouteRateLimit;
    /**
     * `false` opts a mutating route out of `Idempotency-Key` replay, for answers that must never be
     * stored (they hold a secret shown once). Default: honoured on POST, PUT, PATCH and DELETE.
     */
    idempotency?: boolean;
    /**
     * The route's own `Content-Security-Policy`, instead of the API's `default-src 'none'` (a page
     * that loads its own script and styles, like the `/docs` reference). Checked at start: a value
     * that is not one line of printable ASCII stops the start, naming the route.
     */
    csp?: string;
  }

  interface FastifyRequest {
    /**
     * The route's config (its declarations, and the `url` pattern and `method` Fastify adds), read
     * once per request by the request pass: `request.routeOptions` builds a new object on every read.
     */
    routeConfig: FastifyContextConfig & { readonly url?: string; readonly method?: HTTPMethods | HTTPMethods[] };
    /** The authenticated caller, set by the authentication layer. */
    principal: Principal | undefined;
    /** The request id echoed in `X-Request-Id` and every problem. */
    requestId: string;
    /**
     * The capability to reach the route's org, minted by the authorization layer after a positive
     * org-scoped decision; `undefined` on every other route.
     */
    tenantScope: TenantScope | undefined;
  }
}

export {};
