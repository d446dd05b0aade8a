/**
 * The real {@link BackupPorts}: a directory target, the database of the configuration (SQLite's
 * online backup API, or pg_dump/pg_restore as the schema owner), the SQL records, scratch
 * deployments and the `rampart` command in child processes. Built by the callers of the backup
 * services (the CLI, the schedule).
 */
import { readFileSync } from 'node:fs';
import type { RampartConfig } from '../../kernel/config.js';
import type { BackupPorts } from '../ports/backup-ports.js';
import type { DatabaseSnapshot } from '../ports/database-snapshot.js';
import { DirectoryBackupTarget } from './directory-backup-target.js';
import { PgSnapshot } from './pg-snapshot.js';
import { childEnvironment, runRampart, startRampartServer } from './rampart-process.js';
import { createScratchDeployment } from './scratch-deployment.js';
import { recordBackupRun, recordDrill } from './sql-backup-records.js';
import { findCanary, insertCanary } from './sql-canary-store.js';
import { SqliteSnapshot } from './sqlite-snapshot.js';

// From src/ and from dist/ alike, the package root is three folders up.
const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The database adapter of `config`: SQLite in its data directory, or PostgreSQL as the schema owner. */
export function databaseSnapshotOf(config: RampartConfig): DatabaseSnapshot {
  const url = config.databaseMigrationUrl ?? config.databaseUrl;
  return url === undefined ? new SqliteSnapshot(config.dataDir) : new PgSnapshot(url);
}

export function backupPorts(): BackupPorts {
  return {
    rampartVersion: VERSION,
    target: (dir) => new DirectoryBackupTarget(dir),
    database: databaseSnapshotOf,
    recordBackupRun,
    recordDrill,
    findCanary,
    insertCanary,
    createScratch: createScratchDeployment,
    runRampart: (args, config, masterKey) => runRampart(args, childEnvironment(config, masterKey)),
    startServer: (config, masterKey) => startRampartServer(childEnvironment(config, masterKey)),
  };
}
