/**
 * The HTTP chain, in the order it runs (test/fixtures/spec-api-v1.md, "Middleware chain"). This
 * table is the one place the order is written (docs/decisions/032-lean-request-path.md).
 *
 * | #  | layer              | runs as                 | what it does                                          |
 * |----|--------------------|-------------------------|-------------------------------------------------------|
 * | 1  | logging            | observer (onResponse)   | one redacted, pre-serialised JSON line per request    |
 * | 1b | metrics            | observer (onResponse)   | request counter and latency histogram                 |
 * | -  | problems           | error / 404 handlers    | RFC 9457 problem+json for every failure               |
 * | 2  | request ID         | step (onRequest)        | safe `X-Request-Id` echoed or generated               |
 * | 3  | CORS               | step                    | exact allow-list; preflights answered here            |
 * | 4  | security headers   | step, on every exit     | the spec's headers on every response                  |
 * | 4b | method guard       | step                    | TRACE/TRACK → 405                                     |
 * | 4c | draining           | step                    | 503 once the server is closing                        |
 * | 5  | authentication     | step                    | principal from the Authenticator port, or 401         |
 * | 5b | browser sessions   | step + onSend plugin    | cookie CSRF (403), password change and MFA enrolment  |
 * |    |                    |                         | required (403), new session id after a privilege change |
 * | 6  | rate limiting      | step                    | RateLimiter port; 429 with Retry-After, audited       |
 * | 7  | request size       | plugin (onRoute+parser) | 1 MiB default, per-route override; strict JSON only   |
 * | 8  | schema validation  | plugin (ajv)            | TypeBox schemas, no coercion of bodies; a body-taking |
 * |    |                    |                         | route without a body schema stops the start           |
 * | 9  | authorization      | plugin (preHandler)     | access declared on every route; Authorizer decides    |
 * | 9b | read audit         | plugin (onSend)         | `RAMPART_AUDIT_READS=all`: an entry per read          |
 * | 10 | idempotency        | plugin (preHandler+onSend) | Idempotency-Key replay, stored in the database     |
 * | -  | handler            |                         | the route                                             |
 *
 * The steps (2 to 6) run as plain function calls in ONE `onRequest` hook, and the observers in
 * ONE `onResponse` hook (kernel/http/chain/request-pass.ts): a refusal ends the pass, so nothing
 * after it runs, but the security headers run on every exit. The plugins keep Fastify's phases
 * (parsing, validation, `preHandler`, `onSend`), and each declares the request pass as a
 * dependency, which Fastify checks at `ready()`.
 *
 * The order is not only written here but checked: each row names the rows it needs above it
 * (`needs`), and {@link registerChain} refuses to start, naming the row, when one of them is not
 * above it — authorization above authentication, the rate limiter (keyed by principal) above
 * authentication. What needs what: browser sessions, rate limiting → authentication;
 * authentication → method guard (no credential is checked for a refused method); authorization →
 * request ID, authentication; read audit → authorization; idempotency → authentication, request
 * size, authorization (test/integration/chain-dependencies.test.ts).
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyPluginOptions, FastifyRequest } from 'fastify';
import type { Rampart } from '../rampart.js';
import { browserLayer, browserSessionStep } from '../identity/index.js';
import { authenticationStep } from '../kernel/http/chain/authentication.js';
import authorization from '../kernel/http/chain/authorization.js';
import bodyLimit from '../kernel/http/chain/body-limit.js';
import { corsStep } from '../kernel/http/chain/cors.js';
import idempotency from '../kernel/http/chain/idempotency.js';
import { accessLogObserver, type RawLineSink } from '../kernel/http/chain/logging.js';
import { rawLineStream, type Logger } from '../kernel/adapters/log/pino-logger.js';
import { methodGuardStep } from '../kernel/http/chain/method-guard.js';
import { metricsObserver } from '../kernel/http/chain/metrics.js';
import problems from '../kernel/http/chain/problems.js';
import readAudit from '../kernel/http/chain/read-audit.js';
import { RefusalAggregator, type RefusalCounts } from '../kernel/http/chain/refusal-aggregator.js';
import requestPass, { type PassStep, type ResponseObserver } from '../kernel/http/chain/request-pass.js';
import { requestIdStep } from '../kernel/http/chain/request-id.js';
import { rateLimitStep } from '../kernel/http/chain/rate-limit.js';
import { securityHeadersStep } from '../kernel/http/chain/security-headers.js';
import validation from '../kernel/http/chain/validation.js';
import { RedisUnavailableError } from '../kernel/adapters/redis/redis-unavailable-error.js';
import { DomainError } from '../kernel/domain/errors.js';
import type { AuditAction, AuditEventFields } from '../kernel/domain/audit-entry.js';
import { SYSTEM_ORG_SLUG } from '../kernel/domain/system-org.js';
import { requestContext } from '../kernel/http/request-context.js';

export interface ChainSettings {
  /** True when Rampart owns the Fastify instance (its `genReqId` and its logger are Rampart's). */
  readonly standalone: boolean;
  /** Whether Rampart's not-found handler answers unknown paths of this context. */
  readonly handleNotFound: boolean;
  /** Whether the server is closing (then every new request is 503); never, when absent. */
  readonly draining?: () => boolean;
}

type Build<T> = (rampart: Rampart, settings: ChainSettings) => T;

/** One row of the table: a step of the request pass, an observer of the answer, or a plugin. */
export type Row =
  | { readonly kind: 'step'; readonly name: string; readonly needs: readonly string[]; readonly build: Build<PassStep> }
  | { readonly kind: 'observer'; readonly name: string; readonly needs: readonly string[]; readonly build: Build<ResponseObserver> }
  | {
      readonly kind: 'plugin';
      readonly name: string;
      readonly needs: readonly string[];
      // Each plugin takes its own options; the row builds them from the services.
      readonly plugin: FastifyPluginAsync<never>;
      readonly options: Build<unknown>;
    };

function step(name: string, build: Build<PassStep['run'] | PassStep>, needs: readonly string[] = []): Row {
  return {
    kind: 'step',
    name,
    needs,
    build: (rampart, settings) => {
      const built = build(rampart, settings);
      return typeof built === 'function' ? { name, run: built } : { ...built, name };
    },
  };
}

function observer(name: string, build: Build<ResponseObserver>): Row {
  return { kind: 'observer', name, needs: [], build };
}

function plugin<O extends FastifyPluginOptions>(
  name: string,
  fastifyPlugin: FastifyPluginAsync<O>,
  options: Build<O>,
  needs: readonly string[] = [],
): Row {
  return { kind: 'plugin', name, needs, plugin: fastifyPlugin as FastifyPluginAsync<never>, options };
}

// A Redis outage is logged once each way by the kernel (redis-outage-watch.ts), not per request.
const onError = (rampart: Rampart, what: string) => (error: unknown) =>
  error instanceof RedisUnavailableError ? rampart.logger.debug({ err: error }, what) : rampart.logger.error({ err: error }, what);

/**
 * The audit entry of one request, as the caller and its route (the route pattern, never the URL):
 * `api.read` (the shape of src/audit/services/read-audit.ts: a 4xx/5xx answer is a failure) or a
 * 429 refusal.
 */
function requestEvent(request: FastifyRequest, action: AuditAction, status: number, details: Record<string, unknown>): AuditEventFields {
  const context = requestContext(request);
  const principal = request.principal;
  const route = request.routeConfig.url ?? '';
  return {
    org: request.tenantScope?.orgSlug ?? SYSTEM_ORG_SLUG,
    actor: principal === undefined ? { type: 'user', id: null } : { type: principal.type, id: principal.id },
    action,
    resource: route,
    result: status < 400 ? 'success' : 'failure',
    ...(action === 'api.rate_limited' ? { reason: 'rate_limited' } : {}),
    sourceIp: context.ip,
    requestId: context.requestId,
    ...(context.userAgent === undefined ? {} : { userAgent: context.userAgent }),
    details: { method: request.method, status, ...details },
    ...(principal?.type === 'user' ? { subject: principal.id } : {}),
  };
}

/** The 429 entry, carrying the refusals its aggregate only counted. */
function rateLimitedAudit(rampart: Rampart) {
  return (request: FastifyRequest, counts: RefusalCounts): Promise<void> =>
    rampart.audit.record(
      requestEvent(request, 'api.rate_limited', 429, {
        ...(counts.suppressedBefore === 0 ? {} : { suppressed_before: counts.suppressedBefore }),
        ...(counts.droppedBefore === 0 ? {} : { dropped_before: counts.droppedBefore }),
      }),
    );
}

/** `api.read` for every authenticated read under `RAMPART_AUDIT_READS=all`; nothing otherwise. */
function readAuditRecorder(rampart: Rampart): ((request: FastifyRequest, status: number) => Promise<void>) | undefined {
  if (rampart.config.auditReads !== 'all') return undefined;
  return (request, status) => rampart.audit.record(requestEvent(request, 'api.read', status, {}));
}

/** The logger's own stream, for pre-serialised lines, when the logger is of Rampart's format. */
function rawSink(logger: Logger): RawLineSink | undefined {
  const stream = rawLineStream(logger);
  return stream === undefined ? undefined : { write: (line) => stream.write(line), enabled: (level) => logger.isLevelEnabled(level) };
}

const DRAINING = new DomainError('service_unavailable', 'The server is shutting down; retry the request');

export const CHAIN: readonly Row[] = [
  observer('logging', (r, s) => accessLogObserver({ raw: s.standalone ? rawSink(r.logger) : undefined })),
  observer('metrics', (r) => metricsObserver({ registry: r.metrics })),
  plugin('problems', problems, (_r, s) => ({ notFound: s.handleNotFound })),
  step('request-id', (_r, s) => requestIdStep({ frameworkIdIsOurs: s.standalone })),
  step('cors', (r) => corsStep({ origins: r.config.corsOrigins })),
  step('security-headers', () => securityHeadersStep()),
  step('method-guard', () => methodGuardStep),
  step('draining', (_r, s) => {
    const draining = s.draining;
    return (): Error | undefined => (draining?.() === true ? DRAINING : undefined);
  }),
  step('authentication', (r) => authenticationStep({ authenticators: r.authenticators }), ['method-guard']),
  step('browser-sessions', (r) => browserSessionStep(r.identity.browserLayer), ['authentication']),
  plugin('privilege-change', browserLayer, (r) => r.identity.browserLayer, ['authentication']),
  step(
    'rate-limit',
    (r) =>
      rateLimitStep({
        limiter: r.rateLimiter,
        perMinute: r.config.rateLimit,
        onError: onError(r, 'rate limiter failed'),
        refusals: new RefusalAggregator(r.clock),
        audit: rateLimitedAudit(r),
      }),
    ['authentication'],
  ),
  plugin('body-limit', bodyLimit, (r) => ({ defaultLimit: r.config.bodyLimit })),
  plugin('validation', validation, () => ({})),
  plugin('authorization', authorization, (r) => ({ authorizer: r.authorizer }), ['request-id', 'authentication']),
  plugin('read-audit', readAudit, (r) => ({ record: readAuditRecorder(r) }), ['authorization']),
  plugin('idempotency', idempotency, (r) => ({ store: r.idempotency, clock: r.clock, onError: onError(r, 'idempotency store failed') }), [
    'authentication',
    'body-limit',
    'authorization',
  ]),
];

/** Thrown at start for a table that puts a row above one it needs. */
export class ChainOrderError extends Error {
  constructor(row: string, needs: string) {
    super(`the chain's ${row} layer needs the ${needs} layer above it in src/http/chain.ts`);
    this.name = 'ChainOrderError';
  }
}

/** Refuses a table in which a row names, in `needs`, a row that is not above it. */
export function checkChainOrder(table: readonly Row[]): void {
  const above = new Set<string>();
  for (const row of table) {
    for (const needed of row.needs) if (!above.has(needed)) throw new ChainOrderError(row.name, needed);
    if (above.has(row.name)) throw new Error(`the chain names its ${row.name} layer twice`);
    above.add(row.name);
  }
}

/**
 * Registers the table on `app` (the context Rampart's routes live in): the request pass with
 * every step and observer in table order, where the first of them stands, then each plugin in
 * its place. Refuses a table out of order before registering anything.
 */
export async function registerChain(
  app: FastifyInstance,
  rampart: Rampart,
  settings: ChainSettings,
  table: readonly Row[] = CHAIN,
): Promise<void> {
  checkChainOrder(table);
  const steps: PassStep[] = [];
  const observers: ResponseObserver[] = [];
  for (const row of table) {
    if (row.kind === 'step') steps.push(row.build(rampart, settings));
    else if (row.kind === 'observer') observers.push(row.build(rampart, settings));
  }
  let passRegistered = false;
  for (const row of table) {
    if (row.kind !== 'plugin') {
      if (!passRegistered) await app.register(requestPass, { steps, observers });
      passRegistered = true;
      continue;
    }
    await app.register(row.plugin, row.options(rampart, settings) as never);
  }
}
