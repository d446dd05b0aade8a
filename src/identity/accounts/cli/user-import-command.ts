/**
 * `rampart user import <file.jsonl>`: creates accounts from JSON lines (identity/accounts/services/user-import.ts),
 * progress on stderr, the report `{imported, skipped, failed:[{line, reason}]}` on stdout. Exit 1
 * when any line failed. Each account is audited (`user.create`, `imported: true`) before it is
 * stored: when the audit log cannot record, the import stops there.
 */
import { readFileSync } from 'node:fs';
import { composeAudit, type Auditing } from '../../../audit/index.js';
import { createLogger } from '../../../kernel/adapters/log/pino-logger.js';
import { prepareDataDirectory } from '../../../kernel/adapters/fs/data-directory.js';
import { migrateToLatest, openDatabase } from '../../../kernel/adapters/sql/sql-database.js';
import { SqlUserStore } from '../adapters/sql-user-store.js';
import type { RampartConfig } from '../../../kernel/config.js';
import { systemClock } from '../../../kernel/ports/clock.js';
import { UserImport } from '../services/user-import.js';
import type { Output } from '../../../kernel/cli/output.js';

export async function runUserImport(config: RampartConfig, out: Output, file: string): Promise<number> {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  prepareDataDirectory(config.dataDir);
  const database = openDatabase({ url: config.databaseUrl, migrationUrl: config.databaseMigrationUrl, dataDir: config.dataDir });
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, process.stderr);
  let auditing: Auditing | undefined;
  try {
    await migrateToLatest(database);
    auditing = await composeAudit(config, database, systemClock, logger);
    const report = await new UserImport(new SqlUserStore(database.db), systemClock, auditing.log).run(lines, (done, total) =>
      out.progress(done, total, 'lines'),
    );
    const failures = report.failed.map((f) => `line ${f.line}: ${f.reason}`).join('\n');
    out.result(
      report,
      `imported ${report.imported}, skipped ${report.skipped}, failed ${report.failed.length}${failures === '' ? '' : `\n${failures}`}`,
    );
    return report.failed.length === 0 ? 0 : 1;
  } finally {
    await auditing?.close();
    await database.close();
  }
}
