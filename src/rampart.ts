/**
 * The composition root: `createRampart(config)` opens the stores, runs the migrations and wires
 * adapters to ports. The server, the CLI and applications embedding Rampart all start here.
 */
import type { Redis } from 'ioredis';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { prepareDataDirectory } from './kernel/adapters/fs/data-directory.js';
import { createLogger, type Logger } from './kernel/adapters/log/pino-logger.js';
import { MemoryRateLimiter } from './kernel/adapters/memory/memory-rate-limiter.js';
import { connectRedis, pingRedis } from './kernel/adapters/redis/redis-connection.js';
import { RedisRateLimiter } from './kernel/adapters/redis/redis-rate-limiter.js';
import { rlsWeakness, workingRolePosture } from './kernel/adapters/sql/rls-policies.js';
import { migrateToLatest, openDatabase, type SqlDatabase } from './kernel/adapters/sql/sql-database.js';
import { SqlIdempotencyStore } from './kernel/adapters/sql/sql-idempotency-store.js';
import type { RampartConfig } from './kernel/config.js';
import { composeAudit } from './audit/index.js';
import { composeIdentity, type Identity } from './identity/index.js';
import { composeSecrets, type Secrets } from './secrets/index.js';
import { composeTenancy, type Tenancy } from './tenancy/index.js';
import { composeApiKeys, type Credentials } from './credentials/index.js';
import { composeMyData, type MyDataServices } from './my-data/index.js';
import type { PermissionRegistration } from './tenancy/index.js';
import type { PasswordHasher } from './identity/index.js';
import type { BootstrapNotice } from './identity/index.js';
import type { AuditLog } from './kernel/ports/audit-log.js';
import type { AuditService } from './audit/index.js';
import type { Authenticator } from './kernel/ports/authenticator.js';
import type { Authorizer } from './kernel/ports/authorizer.js';
import { systemClock, type Clock } from './kernel/ports/clock.js';
import type { IdempotencyStore } from './kernel/ports/idempotency-store.js';
import type { RateLimiter } from './kernel/ports/rate-limiter.js';
import type { ReadinessProbe } from './kernel/ports/readiness-probe.js';

export interface RampartOptions {
  /** The logger to use; by default a redacting pino logger on stdout at RAMPART_LOG_LEVEL. */
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** Authenticators asked in order by the authentication layer. */
  readonly authenticators?: readonly Authenticator[];
  readonly authorizer?: Authorizer;
  /** Permissions the application registers (`vm.export`), beside Rampart's own; an invalid one fails the start. */
  readonly permissions?: readonly PermissionRegistration[];
  /** Where audit events go instead of the tamper-evident log on the database (tests of other parts). */
  readonly audit?: AuditLog;
  /** The password hasher (tests pass one with a small queue); argon2id at OWASP parameters by default. */
  readonly passwordHasher?: PasswordHasher;
}

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
  /**
   * The bootstrap admin's one-time notice (its generated password), or `undefined`: given once,
   * to the first caller (`rampart serve` prints it on stderr), never logged.
   */
  takeBootstrapNotice(): BootstrapNotice | undefined;
  readonly readiness: readonly ReadinessProbe[];
  readonly metrics: Registry;
  /** Stops background work and closes the stores. Call it after the server has drained. */
  close(): Promise<void>;
}

const PURGE_INTERVAL_MS = 60 * 60 * 1000;

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

export async function createRampart(config: RampartConfig, options: RampartOptions = {}): Promise<Rampart> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  prepareDataDirectory(config.dataDir);
  const database = openDatabase({
    url: config.databaseUrl,
    migrationUrl: config.databaseMigrationUrl,
    dataDir: config.dataDir,
    onError: (error) => logger.warn({ err: error }, 'database connection error'),
  });
  try {
    await migrateToLatest(database);
    const weakness = rlsWeakness(await workingRolePosture(database.db));
    if (weakness !== undefined) logger.warn({ check: 'database-role' }, weakness.reason);
  } catch (error) {
    await database.close();
    throw error;
  }

  let redis: Redis | undefined;
  if (config.redisUrl !== undefined) {
    redis = connectRedis(config.redisUrl, (error) => logger.warn({ err: error }, 'redis connection error'));
    await waitForRedis(redis, 5000);
  }
  const rateLimiter: RateLimiter = redis === undefined ? new MemoryRateLimiter({ clock }) : new RedisRateLimiter(redis);
  const idempotency = new SqlIdempotencyStore(database.db);

  const readiness: ReadinessProbe[] = [{ name: 'database', check: () => database.ping() }];
  if (redis !== undefined) {
    const client = redis;
    readiness.push({ name: 'redis', check: () => pingRedis(client) });
  }

  let auditing: Awaited<ReturnType<typeof composeAudit>>;
  try {
    auditing = await composeAudit(config, database, clock, logger, options.audit);
  } catch (error) {
    await rateLimiter.close();
    redis?.disconnect();
    await database.close();
    throw error;
  }
  const audit = auditing.log;
  readiness.push(...auditing.readiness);
  let secrets: Secrets;
  try {
    secrets = composeSecrets({ config, database, clock, audit, logger });
  } catch (error) {
    await auditing.close();
    await rateLimiter.close();
    redis?.disconnect();
    await database.close();
    throw error;
  }
  let composed: Awaited<ReturnType<typeof composeIdentity>>;
  try {
    composed = await composeIdentity({
      config,
      db: database.db,
      redis,
      clock,
      audit,
      rateLimiter,
      ...(options.passwordHasher === undefined ? {} : { hasher: options.passwordHasher }),
      onError: (error, what) => logger.warn({ err: error }, what),
    });
  } catch (error) {
    await rateLimiter.close();
    redis?.disconnect();
    await database.close();
    throw error;
  }
  const { identity } = composed;
  let tenancy: Tenancy;
  try {
    tenancy = await composeTenancy({
      database,
      users: identity.users,
      bus: identity.bus,
      audit,
      clock,
      privilegeChanged: (userId) => identity.roleChanged(userId),
      ...(options.permissions === undefined ? {} : { permissions: options.permissions }),
    });
  } catch (error) {
    await identity.close();
    await rateLimiter.close();
    redis?.disconnect();
    await database.close();
    throw error;
  }
  let credentials: Credentials;
  try {
    credentials = await composeApiKeys({
      database,
      identity,
      authorizer: options.authorizer ?? tenancy.authorizer,
      audit,
      clock,
      issuer: config.publicUrl,
      onError: (error, what) => logger.warn({ err: error }, what),
    });
  } catch (error) {
    await tenancy.close();
    await identity.close();
    await rateLimiter.close();
    redis?.disconnect();
    await database.close();
    throw error;
  }
  let notice = composed.notice;

  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics, prefix: 'rampart_' });
  for (const metric of auditing.metrics) metrics.registerMetric(metric);

  const purge = setInterval(() => {
    idempotency.purgeExpired(clock.now()).catch((error: unknown) => logger.warn({ err: error }, 'idempotency purge failed'));
  }, PURGE_INTERVAL_MS);
  purge.unref();

  let closed = false;
  return Object.freeze({
    config,
    logger,
    clock,
    database,
    redis,
    rateLimiter,
    idempotency,
    authenticators: Object.freeze([
      identity.authenticator,
      identity.cookieSessions,
      ...credentials.authenticators,
      ...(options.authenticators ?? []),
    ]),
    authorizer: options.authorizer ?? tenancy.authorizer,
    audit,
    auditService: auditing.service,
    identity,
    secrets,
    tenancy,
    credentials,
    myData: composeMyData({ config, database, identity, credentials, audit, rateLimiter, clock }),
    takeBootstrapNotice() {
      const taken = notice;
      notice = undefined;
      return taken;
    },
    readiness: Object.freeze(readiness),
    metrics,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(purge);
      await credentials.close();
      await tenancy.close();
      await identity.close();
      await secrets.close();
      await auditing.close();
      await rateLimiter.close();
      if (redis !== undefined) redis.disconnect();
      await database.close();
    },
  });
}
