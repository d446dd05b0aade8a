/**
 * Layer 6, rate limiting through the {@link RateLimiter} port (memory, or Redis shared by every
 * instance). Each caller — its principal, or its address when anonymous — has one budget of
 * RAMPART_RATE_LIMIT requests a minute; a route may declare its own window, counted apart.
 * Answers carry `RateLimit-*` (draft-ietf-httpapi-ratelimit-headers); a refusal is 429
 * `rate_limited` with `Retry-After`. When the limiter's store fails, the request fails closed (503).
 * A route's own limit is checked when the route is added: a bad one stops the start, naming the
 * route, instead of turning every request to it into a 503.
 *
 * Refusals are audited (issue 22 item 1), aggregated by {@link RefusalAggregator} so that a flood
 * costs a bounded number of writes: the refusal waits for its entry when one is due, and is the
 * answer whether or not the log could take it (a refusal changes nothing). An adapter that counts
 * in the process (`hitNow`) is asked synchronously: the step then costs no promise.
 */
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import type { RateLimiter, RateLimitResult } from '../../ports/rate-limiter.js';
import type { RefusalAggregator, RefusalCounts } from './refusal-aggregator.js';
import type { PassStep, StepResult } from './request-pass.js';

export interface RateLimitOptions {
  readonly limiter: RateLimiter;
  /** Requests per minute per caller. */
  readonly perMinute: number;
  readonly onError: (error: unknown) => void;
  /** Aggregates refusals: which ones get an audit entry. Absent: refusals are not audited. */
  readonly refusals?: RefusalAggregator;
  /** Writes the entry of a refused request (the caller's bucket and the counts it carries). */
  readonly audit?: (request: FastifyRequest, counts: RefusalCounts) => Promise<void>;
}

const MINUTE = 60_000;

/** Refuses, at start and naming the route, a declared limit that is not `{ max ≥ 1, windowMs ≥ 1000 }`. */
function checkDeclaredLimit(route: RouteOptions): void {
  const declared = route.config?.rateLimit;
  if (declared === undefined || declared === false) return;
  const { max, windowMs } = declared;
  if (!Number.isSafeInteger(max) || max < 1 || !Number.isSafeInteger(windowMs) || windowMs < 1000) {
    const method = Array.isArray(route.method) ? route.method.join(',') : String(route.method);
    throw new Error(`route ${method} ${route.url} declares a rateLimit that is not { max ≥ 1, windowMs ≥ 1000 } in integers`);
  }
}

/** The step: counts the request in its caller's bucket (after authentication), or refuses it. */
export function rateLimitStep(options: RateLimitOptions): PassStep {
  const { limiter, perMinute, refusals, audit } = options;
  const unavailable = (error: unknown): DomainError => {
    options.onError(error);
    return new DomainError('service_unavailable', 'The rate limiter is not available; try again shortly');
  };

  /** Headers of the counted hit; the refusal, audited when its aggregate says so. */
  function judge(request: FastifyRequest, reply: FastifyReply, bucket: string, windowMs: number, result: RateLimitResult) {
    const resetSeconds = Math.max(1, Math.ceil(result.resetMs / 1000));
    reply.header('ratelimit-limit', String(result.limit));
    reply.header('ratelimit-remaining', String(result.remaining));
    reply.header('ratelimit-reset', String(resetSeconds));
    reply.header('ratelimit-policy', `${result.limit};w=${Math.ceil(windowMs / 1000)}`);
    if (result.allowed) return undefined;
    reply.header('retry-after', String(resetSeconds));
    const refusal = new DomainError('rate_limited', `Too many requests; retry after ${resetSeconds} s`);
    const counts = refusals?.admit(bucket);
    if (counts === undefined || audit === undefined) return refusal;
    return audit(request, counts).then(
      () => refusal,
      (error: unknown) => {
        request.log.error({ err: error }, 'a rate-limit refusal could not be audited');
        return refusal;
      },
    );
  }

  return {
    name: 'rate-limit',
    onRoute: checkDeclaredLimit,
    run: (request, reply) => {
      const declared = request.routeConfig.rateLimit;
      if (declared === false) return undefined;
      const principal = request.principal;
      const caller = principal === undefined ? `ip:${request.ip}` : `${principal.type}:${principal.id}`;
      const max = declared?.max ?? perMinute;
      const windowMs = declared?.windowMs ?? MINUTE;
      const bucket = declared === undefined ? caller : `${caller}|${request.method} ${request.routeConfig.url ?? ''}`;
      if (limiter.hitNow !== undefined) {
        let result: RateLimitResult;
        try {
          result = limiter.hitNow(bucket, max, windowMs);
        } catch (error) {
          return unavailable(error);
        }
        return judge(request, reply, bucket, windowMs, result);
      }
      return limiter.hit(bucket, max, windowMs).then(
        (result): StepResult | PromiseLike<StepResult> => judge(request, reply, bucket, windowMs, result),
        (error: unknown) => unavailable(error),
      );
    },
  };
}
