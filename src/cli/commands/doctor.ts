/**
 * `rampart doctor`: the posture checks of ../doctor.ts, then whether the stores answer, then
 * whether the server has seen requests through a proxy it does not trust. It does not create the
 * data directory or the embedded database: an operator running it before the first start, or as
 * another user (root, say), must not leave files the server cannot open.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Migrator, sql } from 'kysely';
import { connectRedis, pingRedis, whenReady } from '../../kernel/adapters/redis/redis-connection.js';
import { readProxyObservation } from '../../http/proxy-warning.js';
import { migrationProvider } from '../../migrations/index.js';
import { rlsWeakness, workingRolePosture } from '../../kernel/adapters/sql/rls-policies.js';
import { explainDatabaseError, openDatabase, SQLITE_FILE } from '../../kernel/adapters/sql/sql-database.js';
import { DatabaseConnectionError } from '../../kernel/adapters/sql/connection-error.js';
import { withSystem } from '../../kernel/adapters/sql/rls-scope.js';
import { masterKeyPath } from '../../kernel/adapters/fs/master-key-file.js';
import { signingKeyStore } from '../../identity/index.js';
import type { RampartConfig } from '../../kernel/config.js';
import { CAPABILITIES } from '../../capabilities.js';
import { postureChecks, type Check } from '../doctor.js';
import type { Output } from '../../kernel/cli/output.js';

/**
 * Whether the master key opens the data: the access-token signing keys stored in the database
 * decrypt with it, as the start needs (a wrong key stops `serve`; doctor fails the same way).
 * Skipped (no check) without a database, without a stored key, or without a master key to try —
 * doctor never creates a key file.
 */
async function checkMasterKeyOpens(config: RampartConfig): Promise<Check | undefined> {
  const name = 'master-key-opens';
  if (config.databaseUrl === undefined && !existsSync(join(config.dataDir, SQLITE_FILE))) return undefined;
  if (config.masterKey === undefined && !existsSync(masterKeyPath(config.dataDir))) return undefined;
  const database = openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    let stored: number;
    try {
      // System: signing keys are the deployment's, no tenant's.
      const row = await withSystem(database.db, (trx) =>
        trx
          .selectFrom('signing_keys')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .executeTakeFirstOrThrow(),
      );
      stored = Number(row.n);
    } catch {
      return undefined; // the database check says why it cannot be read
    }
    if (stored === 0) return { name, status: 'pass', reason: 'nothing is sealed under the master key yet' };
    try {
      await signingKeyStore(config, database.db).list();
    } catch {
      return {
        name,
        status: 'fail',
        reason:
          'the master key does not open the data: the stored access-token signing keys do not decrypt with it, so `rampart serve` would refuse to start. ' +
          'Use the master key this data was written with (RAMPART_MASTER_KEY or the key file from the backup)',
      };
    }
    return { name, status: 'pass', reason: `the master key opens the data (${stored} sealed signing key(s) decrypt)` };
  } finally {
    await database.close();
  }
}

async function checkDatabase(config: RampartConfig): Promise<Check> {
  const name = 'database';
  if (config.databaseUrl === undefined && !existsSync(join(config.dataDir, SQLITE_FILE))) {
    return { name, status: 'warn', reason: 'the embedded SQLite database does not exist yet (rampart migrate or serve creates it)' };
  }
  const database = openDatabase({ url: config.databaseUrl, migrationUrl: config.databaseMigrationUrl, dataDir: config.dataDir });
  try {
    if (!(await database.ping(3000))) {
      // The cause, as every command names it: refused, DNS, authentication, TLS, database missing.
      const cause = await sql`select 1`.execute(database.db).then(
        () => undefined,
        (error: unknown) => explainDatabaseError(database, error),
      );
      const reason = cause instanceof DatabaseConnectionError ? cause.message : `${database.dialect} does not answer`;
      return { name, status: 'fail', reason };
    }
    const migrations = await new Migrator({ db: database.db, provider: migrationProvider }).getMigrations();
    const pending = migrations.filter((m) => m.executedAt === undefined).length;
    if (pending > 0)
      return { name, status: 'warn', reason: `${database.dialect} answers; ${pending} migration(s) pending (rampart migrate)` };
    const weakness = rlsWeakness(await workingRolePosture(database.db));
    if (weakness !== undefined) return { name, status: weakness.level, reason: weakness.reason };
    const role = database.dialect === 'postgres' ? ', working as a role that owns no table and cannot bypass row-level security' : '';
    return { name, status: 'pass', reason: `${database.dialect} answers; schema up to date${role}` };
  } catch {
    return { name, status: 'fail', reason: `${database.dialect} could not be read` };
  } finally {
    await database.close();
  }
}

async function checkRedis(config: RampartConfig): Promise<Check | undefined> {
  if (config.redisUrl === undefined) return undefined;
  // Errors while connecting are the check's answer, not a crash.
  const redis = connectRedis(config.redisUrl, () => undefined);
  try {
    // Wait for the connection first: a PING sent before it is ready fails at once (no offline
    // queue), which reported a healthy Redis as failing on every run.
    const ok = (await whenReady(redis, 3000)) && (await pingRedis(redis, 3000));
    return ok
      ? { name: 'redis', status: 'pass', reason: 'Redis answers' }
      : { name: 'redis', status: 'fail', reason: 'Redis does not answer' };
  } finally {
    redis.disconnect();
  }
}

/**
 * Requests that reached the server through a proxy on loopback while RAMPART_TRUST_PROXY is unset
 * (the server records the first one: src/http/proxy-warning.ts): every client then shares the
 * proxy's address, so per-IP rate limits collapse into one bucket and `/metrics`, open to
 * loopback, is open to every client.
 */
export function checkProxyObservation(config: RampartConfig): Check | undefined {
  if (config.trustProxy !== false) return undefined;
  const seen = readProxyObservation(config.dataDir);
  if (seen === undefined) return undefined;
  return {
    name: 'proxy-headers',
    status: 'warn',
    reason:
      `requests arrived from a proxy on loopback with X-Forwarded-For (first at ${new Date(seen.at).toISOString()}) ` +
      'while RAMPART_TRUST_PROXY is unset: every client shares one rate-limit bucket and may read /metrics; ' +
      'set RAMPART_TRUST_PROXY to the proxy address (127.0.0.1)',
  };
}

const MARK = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' } as const;

/** `rampart doctor`: prints each check; exit 1 when any fails. */
export async function runDoctor(config: RampartConfig, out: Output): Promise<number> {
  const checks = postureChecks(config);
  checks.push(await checkDatabase(config));
  const opens = await checkMasterKeyOpens(config);
  if (opens !== undefined) checks.push(opens);
  const redis = await checkRedis(config);
  if (redis !== undefined) checks.push(redis);
  const proxy = checkProxyObservation(config);
  if (proxy !== undefined) checks.push(proxy);
  // Each capability's own checks (the sandbox, the SSRF allow-list, backups …), in composition order.
  for (const capability of CAPABILITIES) if (capability.doctor !== undefined) checks.push(...(await capability.doctor(config)));
  checks.push(...(await (await import('../key-doctor.js')).keyChecks(config)));
  const failed = checks.filter((check) => check.status === 'fail').length;
  const text = checks.map((check) => `${MARK[check.status]}  ${check.name.padEnd(16)} ${check.reason}`).join('\n');
  out.result({ ok: failed === 0, checks }, `${text}\n\n${failed === 0 ? 'no check failed' : `${failed} check(s) failed`}`);
  return failed === 0 ? 0 : 1;
}
