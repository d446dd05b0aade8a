/**
 * What a backup, a restore or a drill opens on the deployment it runs for: its database
 * (migrated), its audit log (through the audit capability's index), the backup keys from its
 * master key, and the database adapter of its dialect. Opened by the command, closed by it.
 */
import { composeAudit, type Auditing } from '../../audit/index.js';
import { createLogger, type Logger } from '../../kernel/adapters/log/pino-logger.js';
import { existingMasterKeyOf } from '../../kernel/master-key.js';
import { migrateToLatest, openDatabase, type SqlDatabase } from '../../kernel/adapters/sql/sql-database.js';
import type { RampartConfig } from '../../kernel/config.js';
import type { Secret } from '../../kernel/domain/secret.js';
import type { AuditLog } from '../../kernel/ports/audit-log.js';
import { systemClock, type Clock } from '../../kernel/ports/clock.js';
import { backupKeys, type BackupKeys } from '../crypto/backup-keys.js';

/** Thrown when the master key is not at hand: a backup cannot be made or opened without it. */
export class MissingMasterKeyError extends Error {
  constructor() {
    super('no master key: set RAMPART_MASTER_KEY or keep the key file in RAMPART_DATA_DIR (a backup never holds it)');
    this.name = 'MissingMasterKeyError';
  }
}

/** The master key of `config`, never created here (a backup of a deployment without one has nothing to open it with). */
export function existingMasterKey(config: RampartConfig): Secret<Buffer> {
  // Under token custody, the root key the token opens (kernel/custody/key-custody.ts).
  const key = existingMasterKeyOf(config);
  if (key === undefined) throw new MissingMasterKeyError();
  return key;
}

export function backupKeysOf(config: RampartConfig): BackupKeys {
  return backupKeys(existingMasterKey(config));
}

export interface LiveDeployment {
  readonly database: SqlDatabase;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly logger: Logger;
  close(): Promise<void>;
}

/** Opens the deployment's database (migrated) and audit log; `audit` given: records there instead. */
export async function openLiveDeployment(config: RampartConfig, audit?: AuditLog): Promise<LiveDeployment> {
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, process.stderr);
  const database = openDatabase({
    url: config.databaseUrl,
    migrationUrl: config.databaseMigrationUrl,
    dataDir: config.dataDir,
    onError: (error) => logger.warn({ err: error }, 'backup: database connection error'),
  });
  let auditing: Auditing | undefined;
  try {
    await migrateToLatest(database);
    if (audit === undefined) auditing = await composeAudit(config, database, systemClock, logger);
  } catch (error) {
    await database.close();
    throw error;
  }
  return {
    database,
    audit: audit ?? (auditing as Auditing).log,
    clock: systemClock,
    logger,
    async close() {
      await auditing?.close();
      await database.close();
    },
  };
}
