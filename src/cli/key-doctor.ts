/**
 * `rampart doctor`'s key checks (issue 22 items 3 and 5):
 * - `key-custody`: where each key kind lives — the root key's custody (master key, or sealed by the
 *   PKCS#11 token) and, per kind, whether it is derived from that root, wrapped by a key derived
 *   from it, or wrapped by the token's KEK; a warning when a token is configured and the keys are
 *   still under the master key (`rampart keys custody migrate`);
 * - `key-age`: each kind's age against RAMPART_KEY_ROTATION_DAYS, a warning per kind past it,
 *   naming the kind, its age and the command that rotates it — API keys included, counted;
 * - `password-hash`: the password-hash policy new hashes are made with.
 * The database is only read, and only when it exists (doctor never creates it).
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { masterKeyPath } from '../kernel/adapters/fs/master-key-file.js';
import { withSystem } from '../kernel/adapters/sql/rls-scope.js';
import { openDatabase, SQLITE_FILE } from '../kernel/adapters/sql/sql-database.js';
import type { RampartConfig } from '../kernel/config.js';
import { custodyOf, startsUnderToken, type Custody } from '../kernel/custody/key-custody.js';
import type { DoctorCheck } from '../kernel/part.js';

const DAY_MS = 86_400_000;

/** A key kind, and how it is kept relative to the root key. */
interface KeyKind {
  readonly kind: string;
  readonly kept: 'derived' | 'wrapped' | 'kek';
}

/** Every key kind Rampart keeps (kernel/crypto/derive-key.ts lists the purposes). */
export const KEY_KINDS: readonly KeyKind[] = [
  { kind: 'access-token signing keys', kept: 'wrapped' },
  { kind: 'audit checkpoint key', kept: 'wrapped' },
  { kind: 'audit subject keys', kept: 'wrapped' },
  { kind: 'TOTP seals', kept: 'derived' },
  { kind: 'secrets data keys', kept: 'kek' },
  { kind: 'artifact and licence signing keys', kept: 'kek' },
  { kind: 'mail outbox seal', kept: 'derived' },
  { kind: 'OIDC state seal', kept: 'derived' },
  { kind: 'backup keys', kept: 'derived' },
  { kind: 'sign-in device and identifier keys', kept: 'derived' },
  { kind: 'refresh-token successor key', kept: 'derived' },
  { kind: 'security-event and cursor keys', kept: 'derived' },
];

function rootPlace(custody: Custody, config: RampartConfig): string {
  if (custody.kind === 'token') return `root under token ${custody.token}`;
  if (startsUnderToken(config)) return `root under token ${config.pkcs11TokenLabel ?? ''} (made at first start)`;
  return custody.source === 'environment' ? 'master key (RAMPART_MASTER_KEY)' : `master key (${masterKeyPath(config.dataDir)})`;
}

/** Where each kind lives, as `kind → place` pairs. */
export function custodyTable(config: RampartConfig): { kind: string; lives: string }[] {
  const root = rootPlace(custodyOf(config), config);
  return KEY_KINDS.map(({ kind, kept }) => {
    if (kept === 'kek' && config.kekSource === 'pkcs11')
      return { kind, lives: `wrapped by the KEK in token ${config.pkcs11TokenLabel ?? ''}` };
    if (kept === 'kek') return { kind, lives: `wrapped by a KEK derived from the ${root}` };
    return { kind, lives: kept === 'derived' ? `derived from the ${root}` : `wrapped by a key derived from the ${root}` };
  });
}

export function checkKeyCustody(config: RampartConfig): DoctorCheck {
  const name = 'key-custody';
  let custody: Custody;
  try {
    custody = custodyOf(config);
  } catch (error) {
    return { name, status: 'fail', reason: error instanceof Error ? error.message : 'the sealed root key could not be read' };
  }
  const table = custodyTable(config)
    .map((row) => `${row.kind} → ${row.lives}`)
    .join('; ');
  if (custody.kind === 'token') {
    const unused = config.masterKey !== undefined || existsSync(masterKeyPath(config.dataDir));
    return {
      name,
      status: unused ? 'warn' : 'pass',
      reason: `${unused ? 'a master key is still set or on disk but no longer used: remove it. ' : ''}${table}`,
    };
  }
  if (config.kekSource === 'pkcs11' && !startsUnderToken(config)) {
    return {
      name,
      status: 'warn',
      reason: `a PKCS#11 token is configured but the keys are under the master key: run rampart keys custody migrate. ${table}`,
    };
  }
  return { name, status: 'pass', reason: table };
}

export function checkPasswordHash(config: RampartConfig): DoctorCheck {
  const policy =
    config.passwordHash === 'bcrypt'
      ? `bcrypt, cost ${config.bcryptCost}`
      : `argon2id, m=${config.argon2Memory} KiB, t=${config.argon2Time}, p=${config.argon2Parallelism}`;
  return {
    name: 'password-hash',
    status: 'pass',
    reason: `new password hashes: ${policy}; hashes of another policy are rehashed at login`,
  };
}

/** The age of each kind that has one, in ms (absent: no key of that kind yet), and the count of API keys past the period. */
interface Ages {
  readonly kinds: { readonly kind: string; readonly createdAt: number | undefined; readonly rotate: string }[];
  readonly apiKeys: { readonly stale: number; readonly oldest: number | undefined };
}

async function readAges(config: RampartConfig, now: number, periodMs: number): Promise<Ages> {
  const database = openDatabase({ url: config.databaseUrl, migrationUrl: config.databaseMigrationUrl, dataDir: config.dataDir });
  try {
    return await withSystem(database.db, async (trx) => {
      const newest = async (query: ReturnType<typeof sql<{ at: number | string | null }>>): Promise<number | undefined> => {
        const row = (await query.execute(trx)).rows[0];
        return row?.at === null || row?.at === undefined ? undefined : Number(row.at);
      };
      const kinds = [
        {
          kind: 'access-token signing key',
          createdAt: await newest(sql`select max(created_at) as at from signing_keys where state = 'active'`),
          rotate: 'rampart keys rotate',
        },
        {
          kind: 'audit checkpoint key',
          createdAt: await newest(sql`select max(created_at) as at from audit_keys`),
          rotate: 'not rotatable yet',
        },
        {
          kind: 'secrets KEK',
          createdAt: await newest(sql`select max(created_at) as at from secret_keks where state = 'active'`),
          rotate: 'rampart keys rotate-kek',
        },
        {
          kind: 'secrets data keys (oldest active)',
          createdAt: await newest(sql`select min(created_at) as at from secret_data_keys where state = 'active'`),
          rotate: 'rampart secrets rotate-data-keys',
        },
        {
          kind: 'artifact signing key',
          createdAt: await newest(
            sql`select max(created_at) as at from signing_keyring where purpose = 'artifacts' and retired_at is null`,
          ),
          rotate: 'rampart keys rotate --purpose artifacts',
        },
        {
          kind: 'licence signing key',
          createdAt: await newest(sql`select max(created_at) as at from signing_keyring where purpose = 'licences' and retired_at is null`),
          rotate: 'rampart keys rotate --purpose licences',
        },
      ];
      const cutoff = now - periodMs;
      const live = sql`revoked_at is null and (expires_at is null or expires_at > ${now})`;
      const stale = await sql<{ n: number | string; oldest: number | string | null }>`
        select count(*) as n, min(created_at) as oldest from api_keys where ${live} and created_at < ${cutoff}`.execute(trx);
      const row = stale.rows[0];
      return {
        kinds,
        apiKeys: { stale: Number(row?.n ?? 0), oldest: row?.oldest === null || row?.oldest === undefined ? undefined : Number(row.oldest) },
      };
    });
  } finally {
    await database.close();
  }
}

function rootCreatedAt(config: RampartConfig): number | undefined {
  const custody = custodyOf(config);
  if (custody.kind === 'token') return custody.createdAt;
  if (custody.source === 'file') return statSync(masterKeyPath(config.dataDir)).mtimeMs;
  return undefined;
}

/** `key-age` checks: one warning per kind past the period, else one pass. */
export async function checkKeyAges(config: RampartConfig, now: number = Date.now()): Promise<DoctorCheck[]> {
  const name = 'key-age';
  const days = config.keyRotationDays;
  const periodMs = days * DAY_MS;
  if (config.databaseUrl === undefined && !existsSync(join(config.dataDir, SQLITE_FILE))) {
    return [{ name, status: 'pass', reason: 'no database yet: no key to age' }];
  }
  let ages: Ages;
  try {
    ages = await readAges(config, now, periodMs);
  } catch {
    return [{ name, status: 'warn', reason: 'the key ages could not be read (is the schema migrated?)' }];
  }
  const root = rootCreatedAt(config);
  const kinds = [
    ...ages.kinds,
    { kind: 'root key', createdAt: root, rotate: 'a new deployment key: see docs/decisions/038-key-custody-and-key-age.md' },
  ];
  const checks: DoctorCheck[] = [];
  for (const { kind, createdAt, rotate } of kinds) {
    if (createdAt === undefined || now - createdAt < periodMs) continue;
    const age = Math.floor((now - createdAt) / DAY_MS);
    checks.push({ name, status: 'warn', reason: `${kind} is ${age} days old, past the ${days}-day rotation period (${rotate})` });
  }
  if (ages.apiKeys.stale > 0) {
    const oldest = ages.apiKeys.oldest === undefined ? '' : `, the oldest ${Math.floor((now - ages.apiKeys.oldest) / DAY_MS)} days`;
    checks.push({
      name,
      status: 'warn',
      reason: `${ages.apiKeys.stale} API key(s) older than the ${days}-day rotation period${oldest}: rotate API keys regularly (POST /api/v1/api-keys/{id}/rotate)`,
    });
  }
  if (checks.length === 0) checks.push({ name, status: 'pass', reason: `every key is younger than the ${days}-day rotation period` });
  return checks;
}

/** The key checks, in the order doctor prints them. */
export async function keyChecks(config: RampartConfig): Promise<DoctorCheck[]> {
  return [checkKeyCustody(config), ...(await checkKeyAges(config)), checkPasswordHash(config)];
}
