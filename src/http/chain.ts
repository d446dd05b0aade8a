/**
 * The HTTP chain, in the order it runs (test/fixtures/spec-api-v1.md, "Middleware chain"). One plugin per
 * layer; this table is the one place the order is written. Fastify runs hooks of one kind in
 * registration order: the `onRequest` layers run top to bottom before the body is read, the body
 * is then limited and parsed, validated, authorized, and only then does the handler run.
 *
 * | #  | layer              | hook                  | what it does                                          |
 * |----|--------------------|-----------------------|-------------------------------------------------------|
 * | 1  | logging            | onResponse            | one redacted JSON line per request                    |
 * | 1b | metrics            | onResponse            | request counter and latency histogram                 |
 * | -  | problems           | error / 404 handlers  | RFC 9457 problem+json for every failure               |
 * | 2  | request ID         | onRequest             | safe `X-Request-Id` echoed or generated               |
 * | 3  | CORS               | onRequest             | exact allow-list; preflights answered here            |
 * | 4  | security headers   | onSend                | the spec's headers on every response                  |
 * | 4b | method guard       | onRequest             | TRACE/TRACK → 405                                     |
 * | 5  | authentication     | onRequest             | principal from the Authenticator port, or 401         |
 * | 5b | browser sessions   | onRequest + onSend    | cookie CSRF (403), MFA enrolment required (403),      |
 * |    |                    |                       | new session id after a privilege change               |
 * | 6  | rate limiting      | onRequest             | RateLimiter port; 429 with Retry-After                |
 * | 7  | request size       | onRoute + parser      | 1 MiB default, per-route override; strict JSON only   |
 * | 8  | schema validation  | preValidation (ajv)   | TypeBox schemas, no coercion of bodies                |
 * | 9  | authorization      | onRoute + preHandler  | access declared on every route; Authorizer decides    |
 * | 10 | idempotency        | preHandler + onSend   | Idempotency-Key replay, stored in the database        |
 * | -  | handler            |                       | the route                                             |
 *
 * The order is written here only, but no longer only trusted: each layer's `fp(…)` declaration
 * names the layers it needs mounted before it (`dependencies`, by plugin name: `rampart-` and the
 * row's name) and the request decorations it reads from them (`decorators`). Fastify checks both
 * as each plugin loads and refuses to start, at `ready()`, a table that mounts a layer before what
 * it depends on — authorization above authentication, for one. What depends on what:
 * browser sessions, rate limiting → authentication; authorization → request ID, authentication;
 * idempotency → authentication, request size, authorization. Logging and problems read the request
 * ID only after it is set, whatever the order (test/integration/chain-dependencies.test.ts).
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyPluginOptions } from 'fastify';
import type { Rampart } from '../rampart.js';
import authentication from '../kernel/http/chain/authentication.js';
import { browserLayer } from '../identity/index.js';
import authorization from '../kernel/http/chain/authorization.js';
import bodyLimit from '../kernel/http/chain/body-limit.js';
import cors from '../kernel/http/chain/cors.js';
import idempotency from '../kernel/http/chain/idempotency.js';
import logging from '../kernel/http/chain/logging.js';
import methodGuard from '../kernel/http/chain/method-guard.js';
import metrics from '../kernel/http/chain/metrics.js';
import problems from '../kernel/http/chain/problems.js';
import { RedisUnavailableError } from '../kernel/adapters/redis/redis-unavailable-error.js';
import requestId from '../kernel/http/chain/request-id.js';
import rateLimit from '../kernel/http/chain/rate-limit.js';
import securityHeaders from '../kernel/http/chain/security-headers.js';
import validation from '../kernel/http/chain/validation.js';

export interface ChainSettings {
  /** True when Rampart owns the Fastify instance (its `genReqId` is Rampart's). */
  readonly standalone: boolean;
  /** Whether Rampart's not-found handler answers unknown paths of this context. */
  readonly handleNotFound: boolean;
}

interface Layer {
  readonly name: string;
  // Each plugin takes its own options; the row builds them from the services.
  readonly plugin: FastifyPluginAsync<never>;
  readonly options: (rampart: Rampart, settings: ChainSettings) => unknown;
}

function layer<O extends FastifyPluginOptions>(
  name: string,
  plugin: FastifyPluginAsync<O>,
  options: (rampart: Rampart, settings: ChainSettings) => O,
): Layer {
  return { name, plugin: plugin as FastifyPluginAsync<never>, options };
}

// A Redis outage is logged once each way by the kernel (redis-outage-watch.ts), not per request.
const onError = (rampart: Rampart, what: string) => (error: unknown) =>
  error instanceof RedisUnavailableError ? rampart.logger.debug({ err: error }, what) : rampart.logger.error({ err: error }, what);

export const CHAIN: readonly Layer[] = [
  layer('logging', logging, () => ({})),
  layer('metrics', metrics, (r) => ({ registry: r.metrics })),
  layer('problems', problems, (_r, s) => ({ notFound: s.handleNotFound })),
  layer('request-id', requestId, (_r, s) => ({ frameworkIdIsOurs: s.standalone })),
  layer('cors', cors, (r) => ({ origins: r.config.corsOrigins })),
  layer('security-headers', securityHeaders, () => ({})),
  layer('method-guard', methodGuard, () => ({})),
  layer('authentication', authentication, (r) => ({ authenticators: r.authenticators })),
  layer('browser-sessions', browserLayer, (r) => r.identity.browserLayer),
  layer('rate-limit', rateLimit, (r) => ({
    limiter: r.rateLimiter,
    perMinute: r.config.rateLimit,
    onError: onError(r, 'rate limiter failed'),
  })),
  layer('body-limit', bodyLimit, (r) => ({ defaultLimit: r.config.bodyLimit })),
  layer('validation', validation, () => ({})),
  layer('authorization', authorization, (r) => ({ authorizer: r.authorizer })),
  layer('idempotency', idempotency, (r) => ({ store: r.idempotency, clock: r.clock, onError: onError(r, 'idempotency store failed') })),
];

/** Registers every layer, in table order, on `app` (the context Rampart's routes live in). */
export async function registerChain(app: FastifyInstance, rampart: Rampart, settings: ChainSettings): Promise<void> {
  for (const row of CHAIN) {
    await app.register(row.plugin, row.options(rampart, settings) as never);
  }
}
