import { Migrator } from 'kysely';
import { prepareDataDirectory } from '../../kernel/adapters/fs/data-directory.js';
import { migrationProvider } from '../../migrations/index.js';
import { asSchemaOwner, explainDatabaseError, openDatabase, type SqlDatabase } from '../../kernel/adapters/sql/sql-database.js';
import { DatabaseConnectionError } from '../../kernel/adapters/sql/connection-error.js';
import type { RampartConfig } from '../../kernel/config.js';
import type { Output } from '../../kernel/cli/output.js';

/**
 * `rampart migrate`: applies pending migrations one at a time, with progress. A database that
 * cannot be reached is a {@link DatabaseConnectionError} naming the cause (exit 2), not a failed
 * migration.
 */
export async function runMigrate(config: RampartConfig, out: Output): Promise<number> {
  prepareDataDirectory(config.dataDir);
  const database = openDatabase({ url: config.databaseUrl, migrationUrl: config.databaseMigrationUrl, dataDir: config.dataDir });
  try {
    return await migrateSteps(database, out);
  } catch (error) {
    throw explainDatabaseError(database, error);
  } finally {
    await database.close();
  }
}

async function migrateSteps(database: SqlDatabase, out: Output): Promise<number> {
  return asSchemaOwner(database, async (db) => {
    const migrator = new Migrator({ db, provider: migrationProvider });
    const pending = (await migrator.getMigrations()).filter((m) => m.executedAt === undefined);
    const applied: string[] = [];
    for (const [index, migration] of pending.entries()) {
      out.progress(index, pending.length, `applying ${migration.name}`);
      const step = await migrator.migrateUp();
      if (step.error !== undefined) {
        const explained = explainDatabaseError(database, step.error);
        if (explained instanceof DatabaseConnectionError) throw explained;
        out.note(`rampart: migration ${migration.name} failed`);
        out.result({ applied, failed: migration.name }, `failed at ${migration.name}`);
        return 1;
      }
      applied.push(migration.name);
    }
    out.progress(pending.length, pending.length, 'done');
    out.result({ dialect: database.dialect, applied }, applied.length === 0 ? 'the schema is up to date' : `applied ${applied.join(', ')}`);
    return 0;
  });
}
