/**
 * The composition root: `createRampart(config)` opens the kernel (stores, migrations, Redis, the
 * revocation bus), then composes each capability of `capabilities.ts` in order on it. Everything
 * opened goes on one close stack: a start that fails at any step closes what was opened, newest
 * first, and so does `close()`. The server, the CLI and applications embedding Rampart all start
 * here.
 */
import type { Redis } from 'ioredis';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Auditing, AuditService } from './audit/index.js';
import { backupFilesOf, CAPABILITIES, EVENT_TYPES, PRIVACY_DECLARATIONS, TENANT_TABLES } from './capabilities.js';
import type { Credentials } from './credentials/index.js';
import type { BootstrapNotice, Identity } from './identity/index.js';
import type { Logger } from './kernel/adapters/log/pino-logger.js';
import type { SqlDatabase } from './kernel/adapters/sql/sql-database.js';
import { CloseStack, type CloseFailure } from './kernel/close-stack.js';
import { openKernel } from './kernel/compose.js';
import type { RampartConfig } from './kernel/config.js';
import type { Secret } from './kernel/domain/secret.js';
import type { Capability, CapabilityName, Earlier, Facades, Part, RampartOptions } from './kernel/part.js';
import type { AuditLog } from './kernel/ports/audit-log.js';
import type { Authenticator } from './kernel/ports/authenticator.js';
import type { Authorizer } from './kernel/ports/authorizer.js';
import type { Clock } from './kernel/ports/clock.js';
import type { IdempotencyStore } from './kernel/ports/idempotency-store.js';
import type { RateLimiter } from './kernel/ports/rate-limiter.js';
import type { ReadinessProbe } from './kernel/ports/readiness-probe.js';
import type { MyDataServices } from './my-data/index.js';
import type { Secrets } from './secrets/index.js';
import type { Tenancy } from './tenancy/index.js';

export type { RampartOptions } from './kernel/part.js';

/** Rampart's services and the adapters behind them. */
export interface Rampart {
  readonly config: RampartConfig;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly database: SqlDatabase;
  readonly redis: Redis | undefined;
  readonly rateLimiter: RateLimiter;
  readonly idempotency: IdempotencyStore;
  readonly authenticators: readonly Authenticator[];
  readonly authorizer: Authorizer;
  readonly audit: AuditLog;
  /** The audit log's checkpoints, proofs and verifier key. */
  readonly auditService: AuditService;
  /** Accounts, sessions, tokens and the bearer authenticator. */
  readonly identity: Identity;
  /** Envelope-encrypted, versioned secrets of the orgs, and KEK rotation. */
  readonly secrets: Secrets;
  /** Orgs, members, roles and the authorization decision. */
  readonly tenancy: Tenancy;
  /** API keys and OAuth service clients, and their authenticators. */
  readonly credentials: Credentials;
  /** The caller's data export and self-erasure (GDPR Art. 15/17/20). */
  readonly myData: MyDataServices;
  /** Every composed capability's facade, by name. */
  facade<K extends CapabilityName>(name: K): Facades[K];
  /** What each capability contributes to the server (routes, probes, metrics), in composition order. */
  readonly parts: readonly Part<unknown>[];
  /**
   * The bootstrap admin's one-time notice (its generated password), or `undefined`: given once,
   * to the first caller (`rampart serve` prints it on stderr), never logged.
   */
  takeBootstrapNotice(): BootstrapNotice | undefined;
  /**
   * The bootstrap admin this start created, for library mode: its email, user id, generated
   * password (a `Secret`: redacted when logged or serialised; `.reveal()` to show it) and the 0600
   * file in the data directory it was also written to (deleted once the password is changed).
   * `undefined` when the admin existed already. `takeBootstrapNotice` hands the same notice out once.
   */
  readonly bootstrap: BootstrapNotice | undefined;
  /** The key of every list route's cursors (`Kernel.cursorKey`, kernel/http/cursor.ts). */
  cursorKey(): Secret<Buffer>;
  readonly readiness: readonly ReadinessProbe[];
  readonly metrics: Registry;
  /**
   * Stops background work and closes the stores, newest first. Call it after the server has
   * drained. Every part is closed even when one fails; the failures then reject as one
   * `AggregateError` of {@link CloseFailure}s.
   */
  close(): Promise<void>;
}

/** The facades composed so far, for the capabilities composed after them. */
class Composed implements Earlier {
  readonly #facades = new Map<CapabilityName, unknown>();

  set<K extends CapabilityName>(name: K, facade: Facades[K]): void {
    this.#facades.set(name, facade);
  }

  need<K extends CapabilityName>(name: K, by: CapabilityName): Facades[K] {
    if (!this.#facades.has(name))
      throw new Error(`${by} needs ${name}, which is not composed before it: fix the order in src/capabilities.ts`);
    return this.#facades.get(name) as Facades[K];
  }
}

function rejectFailures(failures: readonly CloseFailure[]): void {
  if (failures.length > 0) throw new AggregateError(failures, `closing Rampart failed: ${failures.map((f) => f.part).join(', ')}`);
}

/** Starts Rampart: the kernel, then every capability of `capabilities.ts` in order. */
export function createRampart(config: RampartConfig, options: RampartOptions = {}): Promise<Rampart> {
  return composeRampart(config, options, CAPABILITIES);
}

/**
 * `createRampart` over a given list of capabilities, which must include the six built-in ones in
 * order (the facades of `Rampart` are theirs): tests wrap them to make each step of the start fail.
 */
export async function composeRampart(
  config: RampartConfig,
  options: RampartOptions,
  capabilities: readonly Capability<CapabilityName>[],
): Promise<Rampart> {
  const closers = new CloseStack();
  try {
    const parts: Part<unknown>[] = [];
    const {
      kernel,
      readiness,
      metrics: kernelMetrics,
    } = await openKernel(
      config,
      options,
      closers,
      TENANT_TABLES,
      () => parts.flatMap((part) => part.personalData ?? []),
      EVENT_TYPES,
      () => parts.flatMap((part) => part.orgData ?? []),
      backupFilesOf(config),
      PRIVACY_DECLARATIONS,
    );
    const composed = new Composed();
    for (const capability of capabilities) {
      const part = await capability.compose(kernel, composed);
      composed.set(capability.name, part.facade);
      parts.push(part);
    }
    const auditing: Auditing = composed.need('audit', 'myData');
    const identity = composed.need('identity', 'myData');
    const tenancy = composed.need('tenancy', 'myData');

    const metrics = new Registry();
    collectDefaultMetrics({ register: metrics, prefix: 'rampart_' });
    for (const metric of kernelMetrics) metrics.registerMetric(metric);
    for (const part of parts) for (const metric of part.metrics ?? []) metrics.registerMetric(metric);

    let closed = false;
    const bootstrap = identity.takeBootstrapNotice();
    let untaken = bootstrap;
    return Object.freeze({
      config,
      logger: kernel.logger,
      clock: kernel.clock,
      database: kernel.database,
      redis: kernel.redis,
      rateLimiter: kernel.rateLimiter,
      idempotency: kernel.idempotency,
      authenticators: Object.freeze([...parts.flatMap((part) => part.authenticators ?? []), ...(options.authenticators ?? [])]),
      authorizer: options.authorizer ?? tenancy.authorizer,
      audit: auditing.log,
      auditService: auditing.service,
      identity,
      secrets: composed.need('secrets', 'myData'),
      tenancy,
      credentials: composed.need('credentials', 'myData'),
      myData: composed.need('myData', 'myData'),
      facade: <K extends CapabilityName>(name: K) => composed.need(name, name),
      parts: Object.freeze(parts),
      takeBootstrapNotice: () => {
        const taken = untaken;
        untaken = undefined;
        return taken;
      },
      bootstrap,
      cursorKey: () => kernel.cursorKey(),
      readiness: Object.freeze([...readiness, ...parts.flatMap((part) => part.readiness ?? [])]),
      metrics,
      async close() {
        if (closed) return;
        closed = true;
        rejectFailures(await closers.closeAll());
      },
    });
  } catch (error) {
    return closers.unwind(error);
  }
}
