/**
 * The go-live checks of `rampart doctor` (issue 22 item 6, the enterprise baseline checklist),
 * read from the configuration and the deployment's records without composing Rampart:
 * - `password-policy`: the policy passwords are held to (length, common list, patterns);
 * - `mfa-coverage`: platform admins and org owners/admins without a second factor (warn, naming
 *   how many), and whether second factors are enforced for them (`RAMPART_MFA_REQUIRED_FOR_ADMINS`);
 * - `platform-api-keys`: live platform API keys with no expiry ("no long-lived root keys"; warn),
 *   with when each was last used;
 * - `audit-retention`: whether audit payloads have a retention and the purge runs;
 * - `database-tls`, `redis-tls`: TLS to PostgreSQL (`sslmode`/`ssl`) and Redis (`rediss://`) when
 *   they are not on this host (fail without it; warn when the certificate is not verified).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { withSystem } from '../../kernel/adapters/sql/rls-scope.js';
import { openDatabase, SQLITE_FILE, type SqlDatabase } from '../../kernel/adapters/sql/sql-database.js';
import type { RampartConfig } from '../../kernel/config.js';
import { SYSTEM_ORG_SLUG } from '../../kernel/domain/system-org.js';
import type { DoctorCheck } from '../../kernel/part.js';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[?::1\]?)$/i;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Whether `host` is this machine (loopback, or a Unix socket directory for PostgreSQL). */
function local(host: string): boolean {
  return host === '' || host.startsWith('/') || LOOPBACK.test(host);
}

/** The password policy identity enforces (identity/accounts/domain/password-policy.ts): fixed, so it passes and says what it is. */
export function passwordPolicyCheck(): DoctorCheck {
  return {
    name: 'password-policy',
    status: 'pass',
    reason:
      'NIST SP 800-63B: 12 to 128 characters, no composition rules; common or breached passwords, repeated or sequential ' +
      "characters and context words (the user's email, the host, the product name) refused",
  };
}

/** TLS to PostgreSQL: required when the database is not on this host; `verify-full`/`verify-ca` or `ssl=true` verify the server. */
export function databaseTlsCheck(config: RampartConfig): DoctorCheck {
  const name = 'database-tls';
  if (config.databaseUrl === undefined) return { name, status: 'pass', reason: 'SQLite in the data directory: no network connection' };
  let url: URL;
  try {
    url = new URL(config.databaseUrl.reveal());
  } catch {
    return { name, status: 'fail', reason: 'RAMPART_DATABASE_URL does not parse' };
  }
  const host = url.searchParams.get('host') ?? decodeURIComponent(url.hostname);
  if (local(host)) return { name, status: 'pass', reason: `PostgreSQL on this host (${host || 'socket'}): no TLS needed` };
  const mode = url.searchParams.get('sslmode')?.toLowerCase();
  const ssl = url.searchParams.get('ssl')?.toLowerCase();
  if (mode === 'verify-full' || mode === 'verify-ca' || (mode === undefined && (ssl === 'true' || ssl === '1'))) {
    return { name, status: 'pass', reason: `TLS to PostgreSQL at ${host}, the server's certificate verified` };
  }
  if (mode === 'require' || mode === 'no-verify') {
    return {
      name,
      status: 'warn',
      reason: `TLS to PostgreSQL at ${host} without verifying its certificate (sslmode=${mode}): use verify-full`,
    };
  }
  return {
    name,
    status: 'fail',
    reason: `PostgreSQL at ${host} is reached without TLS: add sslmode=verify-full to RAMPART_DATABASE_URL`,
  };
}

/** TLS to Redis: `rediss://` required when Redis is not on this host. */
export function redisTlsCheck(config: RampartConfig): DoctorCheck {
  const name = 'redis-tls';
  if (config.redisUrl === undefined) return { name, status: 'pass', reason: 'no Redis configured' };
  let url: URL;
  try {
    url = new URL(config.redisUrl.reveal());
  } catch {
    return { name, status: 'fail', reason: 'RAMPART_REDIS_URL does not parse' };
  }
  const host = decodeURIComponent(url.hostname);
  if (url.protocol === 'rediss:') return { name, status: 'pass', reason: `TLS to Redis at ${host}` };
  if (local(host)) return { name, status: 'pass', reason: `Redis on this host (${host}): no TLS needed` };
  return { name, status: 'fail', reason: `Redis at ${host} is reached without TLS: use a rediss:// RAMPART_REDIS_URL` };
}

/** Whether audit payloads have a retention, and whether the purge runs on schedule. */
export function auditRetentionCheck(config: RampartConfig): DoctorCheck {
  const name = 'audit-retention';
  const purge = config.retentionPurgeInterval === undefined ? 'the scheduled purge is off (RAMPART_RETENTION_PURGE_INTERVAL)' : undefined;
  if (config.auditRetentionDays === undefined) {
    return {
      name,
      status: 'warn',
      reason: `audit payloads are kept forever: set RAMPART_AUDIT_RETENTION_DAYS to the period your policy names${purge === undefined ? '' : `; ${purge}`}`,
    };
  }
  if (purge !== undefined) return { name, status: 'warn', reason: `audit payloads kept ${config.auditRetentionDays} days, but ${purge}` };
  return {
    name,
    status: 'pass',
    reason: `audit payloads kept ${config.auditRetentionDays} days (leaf hashes stay); the purge runs on schedule`,
  };
}

interface AdminRow {
  user_id: string;
  slug: string;
  mfa: number | boolean | string;
}

async function mfaCoverageCheck(config: RampartConfig, database: SqlDatabase): Promise<DoctorCheck> {
  const name = 'mfa-coverage';
  // A system transaction: the check spans every org's owners and admins.
  const { rows } = await withSystem(database.db, (trx) =>
    sql<AdminRow>`select m.user_id, o.slug,
        (exists (select 1 from mfa_totp t where t.user_id = m.user_id and t.confirmed_at is not null)
         or exists (select 1 from passkeys p where p.user_id = m.user_id)) as mfa
      from memberships m join orgs o on o.id = m.org_id join users u on u.id = m.user_id
      where m.role in ('owner', 'admin') and u.status = 'active'`.execute(trx),
  );
  const has = (row: AdminRow): boolean => row.mfa === true || Number(row.mfa) === 1;
  const platform = new Set(rows.filter((row) => row.slug === SYSTEM_ORG_SLUG).map((row) => row.user_id));
  const orgAdmins = new Set(rows.filter((row) => row.slug !== SYSTEM_ORG_SLUG).map((row) => row.user_id));
  const lacking = new Set(rows.filter((row) => !has(row)).map((row) => row.user_id));
  const platformLacking = [...platform].filter((id) => lacking.has(id)).length;
  const orgLacking = [...orgAdmins].filter((id) => lacking.has(id)).length;
  const enforced = config.mfaRequiredForAdmins
    ? 'enforced (RAMPART_MFA_REQUIRED_FOR_ADMINS)'
    : 'NOT enforced (RAMPART_MFA_REQUIRED_FOR_ADMINS=false)';
  const counts = `${platformLacking} of ${platform.size} platform admins and ${orgLacking} of ${orgAdmins.size} org owners/admins lack a second factor`;
  if (platformLacking + orgLacking > 0 || !config.mfaRequiredForAdmins)
    return { name, status: 'warn', reason: `${counts}; second factors ${enforced}` };
  return {
    name,
    status: 'pass',
    reason: `every platform admin (${platform.size}) and org owner/admin (${orgAdmins.size}) has a second factor; ${enforced}`,
  };
}

interface KeyRow {
  id: string;
  last_used_at: number | string | null;
}

async function platformKeysCheck(database: SqlDatabase, now: number): Promise<DoctorCheck> {
  const name = 'platform-api-keys';
  // A system transaction: platform keys belong to no org.
  const { rows } = await withSystem(database.db, (trx) =>
    sql<KeyRow>`select k.id, k.last_used_at from api_keys k left join orgs o on o.id = k.org_id
      where (k.org_id is null or o.slug = ${SYSTEM_ORG_SLUG}) and k.revoked_at is null and k.expires_at is null
      order by k.created_at`.execute(trx),
  );
  if (rows.length === 0) return { name, status: 'pass', reason: 'no live platform API key without an expiry' };
  const uses = rows
    .slice(0, 10)
    .map((row) => {
      const used = row.last_used_at === null ? 'never used' : `last used ${Math.round((now - Number(row.last_used_at)) / DAY_MS)} days ago`;
      return `${row.id} (${used})`;
    })
    .join(', ');
  return {
    name,
    status: 'warn',
    reason: `${rows.length} live platform API key(s) never expire — no long-lived root keys: give them an expiry or revoke them: ${uses}${rows.length > 10 ? ', …' : ''}`,
  };
}

/** The go-live checks for `config`; see the module comment. */
export async function goLiveDoctorChecks(config: RampartConfig, now = Date.now()): Promise<readonly DoctorCheck[]> {
  const checks: DoctorCheck[] = [passwordPolicyCheck(), auditRetentionCheck(config), databaseTlsCheck(config), redisTlsCheck(config)];
  if (config.databaseUrl === undefined && !existsSync(join(config.dataDir, SQLITE_FILE))) {
    checks.push({
      name: 'mfa-coverage',
      status: 'warn',
      reason: 'no database yet: no admin to check (rampart migrate or serve creates it)',
    });
    return checks;
  }
  const database = openDatabase({ url: config.databaseUrl, migrationUrl: config.databaseMigrationUrl, dataDir: config.dataDir });
  try {
    checks.push(await mfaCoverageCheck(config, database));
    checks.push(await platformKeysCheck(database, now));
  } catch {
    checks.push({ name: 'mfa-coverage', status: 'fail', reason: 'the accounts and keys could not be read (rampart migrate?)' });
  } finally {
    await database.close();
  }
  return checks;
}
