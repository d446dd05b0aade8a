/**
 * What Rampart adds to Fastify's types: each route's declarations (access, rate limit,
 * idempotency) and each request's principal and request id.
 */
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
  }

  interface FastifyRequest {
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
