/**
 * Opens the kernel every capability is composed from: the data directory, the database (migrated
 * to the latest schema), Redis when configured, the rate limiter, the idempotency store and the
 * revocation bus. Each handle goes on the close stack the moment it is open, so a start that
 * fails at any later step closes it.
 *
 * With Redis, the kernel also reports its state: a Redis outage is logged once when it starts and
 * once when it ends (with its duration), the revocation bus's liveness likewise, and both are
 * metrics (`rampart_redis_*`, `rampart_revocation_bus_*`) and readiness probes (`redis`,
 * `revocation-bus`). Liveness (`/healthz`) depends on none of them.
 */
import type { Redis } from 'ioredis';
import { Counter, Gauge, type Metric } from 'prom-client';
import { prepareDataDirectory } from './adapters/fs/data-directory.js';
import { createLogger } from './adapters/log/pino-logger.js';
import { InProcessRevocationBus } from './adapters/memory/in-process-revocation-bus.js';
import { MemoryRateLimiter } from './adapters/memory/memory-rate-limiter.js';
import { connectRedis, pingRedis } from './adapters/redis/redis-connection.js';
import { RedisRateLimiter } from './adapters/redis/redis-rate-limiter.js';
import { watchRedisOutages, type OutageWatch } from './adapters/redis/redis-outage-watch.js';
import { RedisRevocationBus } from './adapters/redis/redis-revocation-bus.js';
import { SqlRevocationSequence } from './adapters/sql/sql-revocation-sequence.js';
import { rlsWeakness, workingRolePosture } from './adapters/sql/rls-policies.js';
import { migrateToLatest, openDatabase } from './adapters/sql/sql-database.js';
import { SqlIdempotencyStore } from './adapters/sql/sql-idempotency-store.js';
import type { CloseStack } from './close-stack.js';
import type { RampartConfig } from './config.js';
import type { EventType } from './domain/events.js';
import type { Secret } from './domain/secret.js';
import { masterKeyOf } from './master-key.js';
import { deriveKey } from './crypto/derive-key.js';
import type { Logger } from './adapters/log/pino-logger.js';
import type { Kernel, OrgDataSection, PersonalDataSection, PrivacyDeclarations, RampartOptions } from './part.js';
import { systemClock } from './ports/clock.js';
import type { RateLimiter } from './ports/rate-limiter.js';
import type { ReadinessProbe } from './ports/readiness-probe.js';
import type { RevocationBus } from './ports/revocation-bus.js';

const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/** The kernel, the probes `/readyz` asks of it, and its metrics. */
export interface OpenedKernel {
  readonly kernel: Kernel;
  readonly readiness: readonly ReadinessProbe[];
  readonly metrics: readonly Metric[];
}

/** Logs a Redis outage once each way and counts it. */
function redisOutageMetrics(redis: Redis, logger: Logger): { watch: OutageWatch; metrics: Metric[] } {
  const outages = new Counter({ name: 'rampart_redis_outages_total', help: 'Redis outages that began', registers: [] });
  const seconds = new Counter({
    name: 'rampart_redis_outage_seconds_total',
    help: 'Time Redis was unavailable (ended outages)',
    registers: [],
  });
  const watch = watchRedisOutages(redis, (change) => {
    if (change.up) {
      seconds.inc((change.downForMs ?? 0) / 1000);
      logger.info({ dependency: 'redis', down_ms: change.downForMs }, 'redis available again');
    } else {
      outages.inc();
      logger.error({ dependency: 'redis' }, 'redis unavailable: requests that need it answer 503 until it is back');
    }
  });
  const up = new Gauge({
    name: 'rampart_redis_up',
    help: 'Whether the Redis connection is ready (1) or not (0)',
    registers: [],
    collect() {
      this.set(watch.up ? 1 : 0);
    },
  });
  return { watch, metrics: [up, outages, seconds] };
}

async function waitForRedis(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export async function openKernel(
  config: RampartConfig,
  options: RampartOptions,
  closers: CloseStack,
  tenantTables: readonly string[],
  personalData: () => readonly PersonalDataSection[],
  eventTypes: readonly EventType[] = [],
  orgData: () => readonly OrgDataSection[] = () => [],
  backupFiles: readonly string[] = [],
  privacy: PrivacyDeclarations = { retention: [], processing: [] },
): Promise<OpenedKernel> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const onError = (what: string) => (error: unknown) => logger.warn({ err: error }, what);
  prepareDataDirectory(config.dataDir);
  const database = closers.add(
    'database',
    openDatabase({
      url: config.databaseUrl,
      migrationUrl: config.databaseMigrationUrl,
      dataDir: config.dataDir,
      onError: onError('database connection error'),
    }),
  );
  await migrateToLatest(database);
  const weakness = rlsWeakness(await workingRolePosture(database.db));
  if (weakness !== undefined) logger.warn({ check: 'database-role' }, weakness.reason);

  let redis: Redis | undefined;
  let watch: OutageWatch | undefined;
  const metrics: Metric[] = [];
  if (config.redisUrl !== undefined) {
    // While an outage is known (logged once), each reconnection attempt's error is not logged again.
    const quiet = (report: (error: unknown) => void) => (error: unknown) => {
      if (watch === undefined || watch.shouldReport()) report(error);
    };
    const client = connectRedis(config.redisUrl, quiet(onError('redis connection error')));
    closers.defer('redis', () => client.disconnect());
    await waitForRedis(client, 5000);
    redis = client;
    const outages = redisOutageMetrics(client, logger);
    watch = outages.watch;
    metrics.push(...outages.metrics);
  }
  const rateLimiter: RateLimiter = closers.add(
    'rate limiter',
    redis === undefined ? new MemoryRateLimiter({ clock }) : new RedisRateLimiter(redis),
  );
  const idempotency = new SqlIdempotencyStore(database.db);
  const purge = setInterval(() => {
    idempotency.purgeExpired(clock.now()).catch(onError('idempotency purge failed'));
  }, PURGE_INTERVAL_MS);
  purge.unref();
  closers.defer('idempotency purge', () => clearInterval(purge));

  let bus: RevocationBus;
  const readiness: ReadinessProbe[] = [{ name: 'database', check: () => database.ping() }];
  if (redis === undefined || config.redisUrl === undefined) {
    // Durable positions for the revocation feed (identity/sessions/routes/revocation-stream.ts).
    const sequence = new SqlRevocationSequence(database.db, database.dialect);
    bus = new InProcessRevocationBus({ sequence, now: clock.now.bind(clock), onError: onError('revocation purge failed') });
    closers.add('revocation bus', bus);
  } else {
    const client = redis;
    const outage = watch;
    // A dedicated connection: one in subscriber mode can run no other command. The bus owns it.
    const subscriber = connectRedis(config.redisUrl, (error) => {
      if (outage?.shouldReport() !== false) logger.warn({ err: error }, 'redis subscriber connection error');
    });
    const redisBus = closers.add(
      'revocation bus',
      revocationBus(client, subscriber, new SqlRevocationSequence(database.db, database.dialect), logger, clock.now.bind(clock), metrics),
    );
    await redisBus.start();
    bus = redisBus;
    readiness.push({ name: 'redis', check: () => pingRedis(client) });
    // Not ready while the bus cannot prove it delivers: a load balancer sends traffic elsewhere.
    readiness.push({ name: 'revocation-bus', check: () => Promise.resolve(redisBus.live) });
  }

  let masterKey: Secret<Buffer> | undefined;
  let cursorKey: Secret<Buffer> | undefined;
  const kernel: Kernel = Object.freeze({
    config,
    options,
    logger,
    clock,
    database,
    redis,
    rateLimiter,
    idempotency,
    bus,
    tenantTables,
    eventTypes,
    backupFiles,
    privacy,
    personalData,
    orgData,
    closers,
    masterKey() {
      masterKey ??= masterKeyOf(config);
      return masterKey;
    },
    cursorKey() {
      cursorKey ??= deriveKey(kernel.masterKey(), 'list-cursor');
      return cursorKey;
    },
    onError,
  });
  return { kernel, readiness, metrics };
}

/** The Redis revocation bus, its liveness logged once each way and counted. */
function revocationBus(
  publisher: Redis,
  subscriber: Redis,
  sequence: SqlRevocationSequence,
  logger: Logger,
  now: () => number,
  metrics: Metric[],
): RedisRevocationBus {
  const stale = new Counter({
    name: 'rampart_revocation_bus_stale_total',
    help: 'Times the revocation subscription stopped proving it delivers (its heartbeat missed, or its connection dropped)',
    registers: [],
  });
  const replayed = new Counter({
    name: 'rampart_revocation_bus_replayed_total',
    help: 'Revocations read from the revocation sequence that pub/sub had not delivered',
    registers: [],
  });
  const bus = new RedisRevocationBus(publisher, subscriber, {
    sequence,
    now,
    onError: (error, what) => logger.warn({ err: error }, what),
    onReplayed: (count) => replayed.inc(count),
    onLiveness: (change) => {
      if (change.live) {
        if (change.downForMs !== undefined) {
          logger.info({ down_ms: Math.round(change.downForMs) }, 'revocation bus live again; missed revocations read from the database');
        }
      } else {
        stale.inc();
        logger.error(
          { reason: change.reason },
          'revocation bus not live: revocations are read from the database every 200 ms until its heartbeat is heard again',
        );
      }
    },
  });
  const live = new Gauge({
    name: 'rampart_revocation_bus_live',
    help: 'Whether the revocation subscription proves it delivers (1) or not (0)',
    registers: [],
    collect() {
      this.set(bus.live ? 1 : 0);
    },
  });
  metrics.push(live, stale, replayed);
  return bus;
}
