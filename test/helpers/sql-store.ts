/** A migrated database of a fresh backend instance, for store contract suites. */
import { prepareDataDirectory } from '../../src/kernel/adapters/fs/data-directory.js';
import { migrateToLatest, openDatabase, type SqlDatabase } from '../../src/kernel/adapters/sql/sql-database.js';
import { Secret } from '../../src/kernel/domain/secret.js';
import type { Backend } from './backends.js';

export interface MigratedStore {
  /**
   * Two handles on the same database, acting as two instances: two pools on PostgreSQL; on SQLite
   * the same connection twice — the embedded database serves one instance (one connection, whose
   * transactions Kysely serialises); two better-sqlite3 connections in one process would block the
   * event loop on each other's locks.
   */
  readonly databases: readonly [SqlDatabase, SqlDatabase];
  cleanup(): Promise<void>;
}

export async function migratedStore(backend: Backend): Promise<MigratedStore> {
  const instance = await backend.create();
  prepareDataDirectory(instance.dataDir);
  // As the server does: working as the role that owns nothing, migrating as the owner.
  const secret = (url: string | undefined) => (url === undefined ? undefined : new Secret(url));
  const open = (): SqlDatabase =>
    openDatabase({ url: secret(instance.workingDatabaseUrl), migrationUrl: secret(instance.databaseUrl), dataDir: instance.dataDir });
  const first = open();
  await migrateToLatest(first);
  const second = backend.name === 'sqlite' ? first : open();
  return {
    databases: [first, second],
    async cleanup() {
      await first.close();
      if (second !== first) await second.close();
      await instance.cleanup();
    },
  };
}
