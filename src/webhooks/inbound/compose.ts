/**
 * Inbound webhooks on the kernel (issue 15 item 4), for the `webhooks` capability's composition:
 * the store, the sources' keys (org secrets revealed in a system scope — the public route acts for
 * no principal — and cached), the receiver behind `POST /api/v1/hooks/{source}`, the management of
 * org sources, and the hand-over bus of library mode (`hooks.on(source, handler)`), pumped every
 * second and on every accepted event, closed on the close stack.
 */
import type { FastifyInstance } from 'fastify';
import { randomKey } from '../../kernel/crypto/random.js';
import type { Earlier, Kernel } from '../../kernel/part.js';
import { systemScope } from '../../secrets/index.js';
import { SqlInboundStore } from './adapters/sql-inbound-store.js';
import type { InboundHandler } from './domain/inbound-event.js';
import type { InboundStore } from './ports/inbound-store.js';
import { hookRoutes } from './routes/hook-routes.js';
import { hookSourceRoutes } from './routes/hook-source-routes.js';
import { HookReceiver } from './services/hook-receiver.js';
import { InboundBus } from './services/inbound-bus.js';
import { HookRefusalAudit } from './services/refusal-audit.js';
import { SourceKeys } from './services/source-keys.js';
import { SourceService } from './services/source-service.js';

export type { InboundEvent, InboundHandler } from './domain/inbound-event.js';

/** The application's side of inbound webhooks (library mode). */
export interface InboundHooks {
  /**
   * Calls `handler` with every verified event of `source` — a platform source's name, an org
   * source's `src_…` id, an org source's name (that name in every org), or `*` — including those
   * stored before it was registered. At least once: a handler that rejects is called again with
   * backoff until it succeeds. Returns the function that unregisters it.
   */
  on(source: string, handler: InboundHandler): () => void;
  /** Hands over every due event now (tests, and a caller that cannot wait for the next second). */
  pump(): Promise<number>;
}

/** What the webhooks facade may expose beside `hooks` (tests, the CLI). */
export interface Inbound {
  readonly hooks: InboundHooks;
  readonly sources: SourceService;
  readonly store: InboundStore;
  readonly routes: (app: FastifyInstance) => Promise<void>;
  /** Tables with an `org_id` of this part, children first. */
  readonly tenantTables: readonly string[];
}

/** Tables with an `org_id`, deleted with the org. */
export const INBOUND_TENANT_TABLES: readonly string[] = Object.freeze(['webhook_inbox', 'webhook_sources']);

const POLL_MS = 1_000;
const LEASE_MS = 60_000;
const BATCH = 50;

function newId(prefix: 'src' | 'hin'): string {
  return `${prefix}_${randomKey(16).toString('hex')}`;
}

export async function composeInbound(kernel: Kernel, earlier: Earlier): Promise<Inbound> {
  const { log: audit } = earlier.need('audit', 'webhooks');
  const { service: secrets } = earlier.need('secrets', 'webhooks');
  const { config, database, clock } = kernel;
  const store = new SqlInboundStore(database.db, database.dialect);
  const keys = new SourceKeys(async (orgId, name, version) => (await secrets.reveal(systemScope(orgId), name, version, undefined)).value);
  kernel.closers.defer('inbound hook keys', () => keys.forget());
  const bus = kernel.closers.add(
    'inbound hook bus',
    new InboundBus({ store, clock, leaseMs: LEASE_MS, batch: BATCH, onError: kernel.onError('inbound webhook hand-over failed') }),
  );
  if (kernel.options.background !== false) bus.start(POLL_MS);
  const receiver = new HookReceiver({
    store,
    keys,
    platform: config.inboundSources,
    platformTolerance: config.inboundTolerance,
    refusals: new HookRefusalAudit(audit, clock),
    audit,
    clock,
    onAccepted: () => bus.notify(),
    newId: () => newId('hin'),
  });
  const sources = new SourceService({
    store,
    secrets,
    audit,
    clock,
    defaultTolerance: config.inboundTolerance,
    secretOverlap: config.inboundSecretOverlap,
    newId: () => newId('src'),
  });
  const hooks: InboundHooks = Object.freeze({
    on: (source: string, handler: InboundHandler) => bus.on(source, handler),
    pump: () => bus.pump(),
  });
  return Object.freeze({
    hooks,
    sources,
    store,
    tenantTables: INBOUND_TENANT_TABLES,
    routes: async (app: FastifyInstance) => {
      await hookRoutes(app, receiver, config.inboundBodyLimit);
      await hookSourceRoutes(app, sources, clock, config.publicUrl);
    },
  });
}
