import { Migrator } from 'kysely';
import { prepareDataDirectory } from '../../kernel/adapters/fs/data-directory.js';
import { migrationProvider } from '../../migrations/index.js';
import { asSchemaOwner, openDatabase } from '../../kernel/adapters/sql/sql-database.js';
import type { RampartConfig } from '../../kernel/config.js';
import type { Output } from '../../kernel/cli/output.js';

/** `rampart migrate`: applies pending migrations one at a time, with progress. */
export async function runMigrate(config: RampartConfig, out: Output): Promise<number> {
  prepareDataDirectory(config.dataDir);
  const database = openDatabase({ url: config.databaseUrl, migrationUrl: config.databaseMigrationUrl, dataDir: config.dataDir });
  try {
    return await asSchemaOwner(database, async (db) => {
      const migrator = new Migrator({ db, provider: migrationProvider });
      const pending = (await migrator.getMigrations()).filter((m) => m.executedAt === undefined);
      const applied: string[] = [];
      for (const [index, migration] of pending.entries()) {
        out.progress(index, pending.length, `applying ${migration.name}`);
        const step = await migrator.migrateUp();
        if (step.error !== undefined) {
          out.note(`rampart: migration ${migration.name} failed`);
          out.result({ applied, failed: migration.name }, `failed at ${migration.name}`);
          return 1;
        }
        applied.push(migration.name);
      }
      out.progress(pending.length, pending.length, 'done');
      out.result(
        { dialect: database.dialect, applied },
        applied.length === 0 ? 'the schema is up to date' : `applied ${applied.join(', ')}`,
      );
      return 0;
    });
  } finally {
    await database.close();
  }
}
