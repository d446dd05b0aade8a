/**
 * The webhooks part of the composition root (issue 15): the endpoint and delivery stores, the
 * endpoint service behind the routes, the signing keys (read through the secrets capability in a
 * system scope: the workers sign deliveries no request asked for), the per-endpoint limits and the
 * delivery worker, started when RAMPART_WEBHOOK_WORKERS is above 0 and on the close stack from then.
 * Every outbound request and URL check goes through the kernel's SSRF guard (kernel/net/).
 */
import type { Secrets } from '../secrets/index.js';
import { systemScope } from '../secrets/index.js';
import { randomKey } from '../kernel/crypto/random.js';
import type { EventType } from '../kernel/domain/events.js';
import { sendOutbound } from '../kernel/net/outbound-http.js';
import { outboundPolicyOf, systemResolver, type OutboundPolicy, type Resolver } from '../kernel/net/outbound-policy.js';
import { checkUrl, UNRESOLVABLE } from '../kernel/net/ssrf-guard.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { Earlier, Kernel, Part } from '../kernel/part.js';
import { composeInbound, type Inbound, type InboundHooks } from './inbound/compose.js';
import { SqlDeliveryQueue } from './adapters/sql-delivery-queue.js';
import { SqlDeliveryStore } from './adapters/sql-delivery-store.js';
import { SqlEndpointStore } from './adapters/sql-endpoint-store.js';
import type { DeliveryQueue } from './ports/delivery-queue.js';
import { webhookRoutes } from './routes/webhook-routes.js';
import { DeliveryWorker } from './services/delivery-worker.js';
import { EndpointLimits } from './services/endpoint-limits.js';
import { EndpointService } from './services/endpoint-service.js';
import { SigningKeys } from './services/signing-keys.js';

/** Options of the webhooks capability (`createRampart(config, { webhooks })`), for tests and embedding. */
export interface WebhooksOptions {
  /** Name resolution for the SSRF guard (default: the system resolver, answers cached 30 s). */
  readonly resolver?: Resolver;
  /** Leave the worker stopped even with RAMPART_WEBHOOK_WORKERS above 0: call `worker.pump()`/`drain()` yourself. */
  readonly manual?: boolean;
  /** A claim's lease in ms (default: the attempt's time limits and a margin, 60 s). */
  readonly leaseMs?: number;
}

/** The webhooks facade: outbound endpoints and their delivery worker; inbound hooks (`hooks.on(source, handler)`). */
export interface Webhooks {
  /** Inbound webhooks handed to the application (library mode; webhooks/inbound/compose.ts). */
  readonly hooks: InboundHooks;
  /** The inbound side's sources and inbox (tests, the CLI). */
  readonly inbound: Pick<Inbound, 'sources' | 'store'>;
  readonly endpoints: EndpointService;
  readonly worker: DeliveryWorker;
  readonly queue: DeliveryQueue;
  /** The catalogue: every capability's event types. */
  readonly eventTypes: readonly EventType[];
  readonly clock: Clock;
  /** The SSRF guard's policy from RAMPART_OUTBOUND_*. */
  readonly policy: OutboundPolicy;
}

const DEFAULT_LEASE_MS = 60_000;
const FAN_OUT_BATCH = 500;

/** A uniformly random number in [0, 1) from the CSPRNG (the retry jitter). */
function unitRandom(): number {
  return randomKey(4).readUInt32BE(0) / 2 ** 32;
}

export async function composeWebhooksPart(kernel: Kernel, earlier: Earlier): Promise<Part<Webhooks>> {
  const { log: audit } = earlier.need('audit', 'webhooks');
  const secrets: Pick<Secrets, 'service'> = earlier.need('secrets', 'webhooks');
  const { config, database, clock, logger } = kernel;
  const options = kernel.options.webhooks ?? {};
  const policy = outboundPolicyOf(config);
  const resolver = options.resolver ?? systemResolver();
  const queue = new SqlDeliveryQueue(database.db, database.dialect);
  const endpoints = new EndpointService({
    endpoints: new SqlEndpointStore(database.db, database.dialect),
    deliveries: new SqlDeliveryStore(database.db, database.dialect),
    secrets: secrets.service,
    // A name that resolves to nothing yet is accepted (it points nowhere); every delivery checks it again.
    checkUrl: async (url) => {
      const verdict = await checkUrl(url, policy, resolver);
      return verdict.ok || verdict.reason === UNRESOLVABLE;
    },
    audit,
    clock,
    eventTypes: kernel.eventTypes,
    secretOverlapSeconds: config.webhookSecretOverlap,
  });
  const keys = new SigningKeys(
    async (orgId, name, version) => (await secrets.service.reveal(systemScope(orgId), name, version, undefined)).value,
  );
  const worker = new DeliveryWorker({
    queue,
    keys,
    limits: new EndpointLimits({ concurrency: config.webhookEndpointConcurrency, rate: config.webhookEndpointRate, clock }),
    send: (request) => sendOutbound({ ...request, method: 'POST' }, policy, resolver),
    audit,
    logger,
    clock,
    workers: config.webhookWorkers,
    retrySchedule: config.webhookRetrySchedule,
    disableAfterMs: config.webhookDisableAfter * 1000,
    leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
    fanOutBatch: FAN_OUT_BATCH,
    random: unitRandom,
    onError: kernel.onError('webhook delivery failed'),
  });
  kernel.closers.defer('webhook signing keys', () => keys.forget());
  kernel.closers.add('webhook worker', worker);
  if (config.webhookWorkers > 0 && options.manual !== true && kernel.options.background !== false) worker.start(config.webhookPollInterval);
  const inbound = await composeInbound(kernel, earlier);
  const webhooks: Webhooks = Object.freeze({
    hooks: inbound.hooks,
    inbound: { sources: inbound.sources, store: inbound.store },
    endpoints,
    worker,
    queue,
    eventTypes: kernel.eventTypes,
    clock,
    policy,
  });
  return {
    facade: webhooks,
    routes: async (app) => {
      await webhookRoutes(app, webhooks);
      await inbound.routes(app);
    },
  };
}
