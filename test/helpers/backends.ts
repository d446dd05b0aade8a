/**
 * The storage backends every storage-touching suite loops over: SQLite in a fresh data directory,
 * and PostgreSQL in a fresh database of its own (dropped afterwards).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PG_ADMIN_URL, postgresAvailable } from './services.js';

export type BackendName = 'sqlite' | 'postgres';

/** One fresh, empty store: its environment for `loadConfig` and how to remove it. */
export interface BackendInstance {
  readonly name: BackendName;
  readonly dataDir: string;
  /** RAMPART_* variables selecting this store. */
  readonly env: Record<string, string>;
  /**
   * The PostgreSQL URL of the fresh database as the administrator (undefined on SQLite): for tests
   * that inspect or tamper with the stored rows directly, and for migrations.
   */
  readonly databaseUrl: string | undefined;
  /**
   * The URL the server works with (undefined on SQLite): a login role that owns no table and
   * cannot bypass row-level security, as in production (`RAMPART_DATABASE_MIGRATION_URL` names
   * the owner). `env` selects it.
   */
  readonly workingDatabaseUrl: string | undefined;
  cleanup(): Promise<void>;
}

export interface Backend {
  readonly name: BackendName;
  create(): Promise<BackendInstance>;
}

export function tempDataDir(prefix = 'rampart-test-'): string {
  return join(mkdtempSync(join(tmpdir(), prefix)), 'data');
}

const sqlite: Backend = {
  name: 'sqlite',
  create() {
    const dataDir = tempDataDir();
    return Promise.resolve({
      name: 'sqlite',
      dataDir,
      env: { RAMPART_DATA_DIR: dataDir },
      databaseUrl: undefined,
      workingDatabaseUrl: undefined,
      cleanup: () => {
        rmSync(join(dataDir, '..'), { recursive: true, force: true });
        return Promise.resolve();
      },
    });
  },
};

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** The login role tests' servers work as: no superuser, no BYPASSRLS, owner of nothing. */
const WORKING_ROLE = 'rampart_app_test';
let workingRole: Promise<void> | undefined;

/** Creates the working role once per cluster (concurrent test files may race to create it). */
function ensureWorkingRole(): Promise<void> {
  workingRole ??= adminQuery(
    `DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${WORKING_ROLE}') THEN
        CREATE ROLE ${WORKING_ROLE} LOGIN PASSWORD '${WORKING_ROLE}' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
      END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END $$`,
  );
  return workingRole;
}

const postgres: Backend = {
  name: 'postgres',
  async create() {
    await ensureWorkingRole();
    const name = `rampart_test_${randomBytes(6).toString('hex')}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${name}`;
    const working = new URL(url);
    working.username = WORKING_ROLE;
    working.password = WORKING_ROLE;
    const dataDir = tempDataDir();
    return {
      name: 'postgres',
      dataDir,
      env: { RAMPART_DATA_DIR: dataDir, RAMPART_DATABASE_URL: working.toString(), RAMPART_DATABASE_MIGRATION_URL: url.toString() },
      databaseUrl: url.toString(),
      workingDatabaseUrl: working.toString(),
      cleanup: async () => {
        rmSync(join(dataDir, '..'), { recursive: true, force: true });
        await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      },
    };
  },
};

/** The backends available here: SQLite always, PostgreSQL when it answers (always under CI). */
export async function backends(): Promise<Backend[]> {
  return (await postgresAvailable()) ? [sqlite, postgres] : [sqlite];
}

export const sqliteBackend = sqlite;
export const postgresBackend = postgres;
