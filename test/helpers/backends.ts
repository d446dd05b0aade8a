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
  /** The PostgreSQL URL of the fresh database (undefined on SQLite). */
  readonly databaseUrl: string | undefined;
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

const postgres: Backend = {
  name: 'postgres',
  async create() {
    const name = `rampart_test_${randomBytes(6).toString('hex')}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${name}`;
    const dataDir = tempDataDir();
    return {
      name: 'postgres',
      dataDir,
      env: { RAMPART_DATA_DIR: dataDir, RAMPART_DATABASE_URL: url.toString() },
      databaseUrl: url.toString(),
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
