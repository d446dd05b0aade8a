/**
 * `npm run seed -- --orgs 10000 --users 100000 [--json]`: fills the configured store (the same
 * RAMPART_* configuration as `rampart serve`) with a large tenant set for scale tests and
 * benchmarks. Users get no password (they cannot log in); user i joins org i mod orgs, the first
 * member of each org as `owner`, the rest cycling through admin, operator, viewer, auditor. Rows
 * are written 1,000 per transaction; progress goes to stderr, and with `--json` a summary to
 * stdout. Names carry a random run prefix, so seeding twice adds a second set.
 */
import { randomBytes } from 'node:crypto';
import process from 'node:process';
import { prepareDataDirectory } from '../src/kernel/adapters/fs/data-directory.js';
import { withSystem } from '../src/kernel/adapters/sql/rls-scope.js';
import { migrateToLatest, openDatabase } from '../src/kernel/adapters/sql/sql-database.js';
import { loadConfig } from '../src/config.js';
import { newId } from '../src/kernel/crypto/random-id.js';

interface SeedOptions {
  readonly orgs: number;
  readonly users: number;
  readonly json: boolean;
}

const BATCH = 1000;
const ROLES = ['admin', 'operator', 'viewer', 'auditor'] as const;

function parse(argv: readonly string[]): SeedOptions {
  let orgs = 100;
  let users = 1000;
  let json = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const count = (): number => {
      const value = Number(argv[(i += 1)]);
      if (!Number.isSafeInteger(value) || value < 1 || value > 10_000_000) throw new Error(`${arg} needs a count between 1 and 10,000,000`);
      return value;
    };
    if (arg === '--orgs') orgs = count();
    else if (arg === '--users') users = count();
    else if (arg === '--json') json = true;
    else throw new Error(`unknown option ${arg}; usage: npm run seed -- --orgs N --users N [--json]`);
  }
  if (users < orgs) throw new Error('--users must be at least --orgs (every org gets an owner)');
  return { orgs, users, json };
}

function progress(label: string, done: number, total: number): void {
  const width = 30;
  const filled = Math.round((done / total) * width);
  const bar = `${'#'.repeat(filled)}${' '.repeat(width - filled)}`;
  process.stderr.write(`\r${label.padEnd(12)} [${bar}] ${String(Math.floor((done / total) * 100)).padStart(3)}% ${done}/${total}`);
  if (done === total) process.stderr.write('\n');
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  const config = loadConfig({ env: process.env });
  prepareDataDirectory(config.dataDir);
  const database = openDatabase({ url: config.databaseUrl, migrationUrl: config.databaseMigrationUrl, dataDir: config.dataDir });
  const started = process.hrtime.bigint();
  try {
    await migrateToLatest(database);
    const run = randomBytes(3).toString('hex');
    const now = Date.now();
    const orgIds: string[] = [];
    for (let start = 0; start < options.orgs; start += BATCH) {
      const rows = [];
      for (let i = start; i < Math.min(start + BATCH, options.orgs); i += 1) {
        const id = newId('org');
        orgIds.push(id);
        rows.push({ id, slug: `seed-${run}-${i}`, name: `Seed org ${i}`, created_at: now });
      }
      await database.db.insertInto('orgs').values(rows).execute();
      progress('orgs', orgIds.length, options.orgs);
    }
    let written = 0;
    for (let start = 0; start < options.users; start += BATCH) {
      const end = Math.min(start + BATCH, options.users);
      // System work: memberships of many orgs at once (row-level security on PostgreSQL).
      await withSystem(database.db, async (trx) => {
        const users = [];
        const memberships = [];
        for (let i = start; i < end; i += 1) {
          const id = newId('usr');
          users.push({
            id,
            email: `seed-${run}-${i}@seed.example.test`,
            name: null,
            password_hash: null,
            status: 'active',
            created_at: now,
            updated_at: now,
            password_changed_at: null,
            failed_logins: 0,
            next_login_at: null,
          });
          const org = orgIds[i % options.orgs] as string;
          const role = i < options.orgs ? 'owner' : ROLES[Math.floor(i / options.orgs) % ROLES.length];
          memberships.push({ org_id: org, user_id: id, role: role as string, created_at: now });
        }
        await trx.insertInto('users').values(users).execute();
        await trx.insertInto('memberships').values(memberships).execute();
      });
      written = end;
      progress('users', written, options.users);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const summary = { run, orgs: options.orgs, users: options.users, memberships: options.users, seconds: Math.round(seconds * 10) / 10 };
    if (options.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else process.stderr.write(`seeded ${options.orgs} orgs and ${options.users} users (run ${run}) in ${summary.seconds} s\n`);
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`seed failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
