/**
 * Opens the kernel every capability is composed from: the data directory, the database (migrated
 * to the latest schema), Redis when configured, the rate limiter, the idempotency store and the
 * revocation bus. Each handle goes on the close stack the moment it is open, so a start that
 * fails at any later step closes it.
 */
import type { Redis } from 'ioredis';
import { prepareDataDirectory } from './adapters/fs/data-directory.js';
import { createLogger } from './adapters/log/pino-logger.js';
import { InProcessRevocationBus } from './adapters/memory/in-process-revocation-bus.js';
import { MemoryRateLimiter } from './adapters/memory/memory-rate-limiter.js';
import { connectRedis, pingRedis } from './adapters/redis/redis-connection.js';
import { RedisRateLimiter } from './adapters/redis/redis-rate-limiter.js';
import { RedisRevocationBus } from './adapters/redis/redis-revocation-bus.js';
import { rlsWeakness, workingRolePosture } from './adapters/sql/rls-policies.js';
import { migrateToLatest, openDatabase } from './adapters/sql/sql-database.js';
import { SqlIdempotencyStore } from './adapters/sql/sql-idempotency-store.js';
import type { CloseStack } from './close-stack.js';
import type { RampartConfig } from './config.js';
import type { Secret } from './domain/secret.js';
import { masterKeyOf } from './master-key.js';
import type { Kernel, PersonalDataSection, RampartOptions } from './part.js';
import { systemClock } from './ports/clock.js';
import type { RateLimiter } from './ports/rate-limiter.js';
import type { ReadinessProbe } from './ports/readiness-probe.js';
import type { RevocationBus } from './ports/revocation-bus.js';

const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/** The kernel, and the probes `/readyz` asks of it. */
export interface OpenedKernel {
  readonly kernel: Kernel;
  readonly readiness: readonly ReadinessProbe[];
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
  if (config.redisUrl !== undefined) {
    const client = connectRedis(config.redisUrl, onError('redis connection error'));
    closers.defer('redis', () => client.disconnect());
    await waitForRedis(client, 5000);
    redis = client;
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
  if (redis === undefined || config.redisUrl === undefined) {
    bus = new InProcessRevocationBus();
  } else {
    // A dedicated connection: one in subscriber mode can run no other command. The bus owns it.
    const subscriber = connectRedis(config.redisUrl, onError('redis subscriber connection error'));
    bus = new RedisRevocationBus(redis, subscriber, { onError: onError('revocation listener failed') });
  }
  closers.add('revocation bus', bus);

  const readiness: ReadinessProbe[] = [{ name: 'database', check: () => database.ping() }];
  if (redis !== undefined) {
    const client = redis;
    readiness.push({ name: 'redis', check: () => pingRedis(client) });
  }

  let masterKey: Secret<Buffer> | undefined;
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
    personalData,
    closers,
    masterKey() {
      masterKey ??= masterKeyOf(config);
      return masterKey;
    },
    onError,
  });
  return { kernel, readiness };
}
