/**
 * The real services the suite runs against: PostgreSQL and Redis on loopback, as `.ci/run`
 * starts them. A suite that needs one skips with a loud message when it is absent — except
 * under CI=true, where an absent service fails the run.
 */
import pg from 'pg';
import { Redis } from 'ioredis';

export const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://rampart_test:rampart_test@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const IN_CI = process.env.CI === 'true';

async function reachable(check: () => Promise<void>): Promise<boolean> {
  try {
    await check();
    return true;
  } catch {
    return false;
  }
}

function absent(service: string, how: string): false {
  if (IN_CI) throw new Error(`${service} is required under CI=true but does not answer (${how})`);
  process.stderr.write(`\n!!! ${service} does not answer (${how}): its tests are SKIPPED. Run \`bash .ci/run\` to start it.\n\n`);
  return false;
}

let postgres: Promise<boolean> | undefined;
let redis: Promise<boolean> | undefined;

export function postgresAvailable(): Promise<boolean> {
  postgres ??= reachable(async () => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
    await client.connect();
    await client.end();
  }).then((ok) => ok || absent('PostgreSQL', PG_ADMIN_URL.replace(/:[^:@/]*@/, ':***@')));
  return postgres;
}

export function redisAvailable(): Promise<boolean> {
  redis ??= reachable(async () => {
    const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000, retryStrategy: () => null });
    try {
      await client.connect();
      await client.ping();
    } finally {
      client.disconnect();
    }
  }).then((ok) => ok || absent('Redis', REDIS_URL));
  return redis;
}
