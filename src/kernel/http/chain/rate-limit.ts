/**
 * Layer 6, rate limiting through the {@link RateLimiter} port (memory, or Redis shared by every
 * instance). Each caller — its principal, or its address when anonymous — has one budget of
 * RAMPART_RATE_LIMIT requests a minute; a route may declare its own window, counted apart.
 * Answers carry `RateLimit-*` (draft-ietf-httpapi-ratelimit-headers); a refusal is 429
 * `rate_limited` with `Retry-After`. When the limiter's store fails, the request fails closed (503).
 * A route's own limit is checked when the route is added: a bad one stops the start, naming the
 * route, instead of turning every request to it into a 503.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError } from '../../domain/errors.js';
import type { RateLimiter, RateLimitResult } from '../../ports/rate-limiter.js';

export interface RateLimitOptions {
  readonly limiter: RateLimiter;
  /** Requests per minute per caller. */
  readonly perMinute: number;
  readonly onError: (error: unknown) => void;
}

const MINUTE = 60_000;

const rateLimit: FastifyPluginAsync<RateLimitOptions> = async (app, options) => {
  const { limiter, perMinute } = options;
  app.addHook('onRoute', (route) => {
    const declared = route.config?.rateLimit;
    if (declared === undefined || declared === false) return;
    const { max, windowMs } = declared;
    if (!Number.isSafeInteger(max) || max < 1 || !Number.isSafeInteger(windowMs) || windowMs < 1000) {
      const method = Array.isArray(route.method) ? route.method.join(',') : String(route.method);
      throw new Error(`route ${method} ${route.url} declares a rateLimit that is not { max ≥ 1, windowMs ≥ 1000 } in integers`);
    }
  });
  app.addHook('onRequest', async (request, reply) => {
    const declared = request.routeOptions.config.rateLimit;
    if (declared === false) return;
    const caller = request.principal === undefined ? `ip:${request.ip}` : `${request.principal.type}:${request.principal.id}`;
    const max = declared?.max ?? perMinute;
    const windowMs = declared?.windowMs ?? MINUTE;
    const bucket = declared === undefined ? caller : `${caller}|${request.method} ${request.routeOptions.url ?? ''}`;
    let result: RateLimitResult;
    try {
      result = await limiter.hit(bucket, max, windowMs);
    } catch (error) {
      options.onError(error);
      throw new DomainError('service_unavailable', 'The rate limiter is not available; try again shortly');
    }
    const resetSeconds = Math.max(1, Math.ceil(result.resetMs / 1000));
    reply.header('ratelimit-limit', String(result.limit));
    reply.header('ratelimit-remaining', String(result.remaining));
    reply.header('ratelimit-reset', String(resetSeconds));
    reply.header('ratelimit-policy', `${result.limit};w=${Math.ceil(windowMs / 1000)}`);
    if (!result.allowed) {
      reply.header('retry-after', String(resetSeconds));
      throw new DomainError('rate_limited', `Too many requests; retry after ${resetSeconds} s`);
    }
  });
};

// Keyed by principal: authentication's onRequest hook must run first, or every caller is its address.
export default fp(rateLimit, {
  name: 'rampart-rate-limit',
  fastify: '5.x',
  dependencies: ['rampart-authentication'],
  decorators: { request: ['principal'] },
});
