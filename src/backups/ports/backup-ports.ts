/**
 * Everything a backup, a restore or a drill reaches outside its own logic, handed to the services
 * by their caller (adapters/backup-ports.ts builds the real ones): where backups are kept, the
 * database's snapshots, the run and drill records, the canary's row, scratch deployments and the
 * `rampart` command run on them. Guarantees are stated on each member.
 */
import type { RampartConfig } from '../../kernel/config.js';
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import type { Secret } from '../../kernel/domain/secret.js';
import type { BackupRunRecord, DrillReport } from '../domain/reports.js';
import type { BackupTarget } from './backup-target.js';
import type { DatabaseSnapshot } from './database-snapshot.js';

/** The drill canary's row: its account, email and password sealed under `backup-canary-seal`. */
export interface CanaryRecord {
  readonly userId: string;
  readonly email: string;
  readonly sealedPassword: string;
}

/** A scratch deployment for a drill: its configuration, where it is, and its removal (idempotent, never throws on absence). */
export interface ScratchDeployment {
  readonly config: RampartConfig;
  readonly location: string;
  remove(): Promise<void>;
}

/** A `rampart serve` child on a loopback port. */
export interface ScratchServer {
  readonly url: string;
  stop(): Promise<void>;
}

export interface BackupPorts {
  /** This build's version, for manifests. */
  readonly rampartVersion: string;
  /** The target of a backup directory (created 0700 on first write). */
  target(dir: string): BackupTarget;
  /** The database of `config` (SQLite in its data directory, or PostgreSQL as the schema owner). */
  database(config: RampartConfig): DatabaseSnapshot;
  /** Records a backup run (one insert). */
  recordBackupRun(db: RampartKysely, run: BackupRunRecord): Promise<void>;
  /** Records a drill's signed report (one insert). */
  recordDrill(db: RampartKysely, id: string, report: DrillReport): Promise<void>;
  findCanary(db: RampartKysely): Promise<CanaryRecord | undefined>;
  /** Inserts the canary's row; rejects when one exists. */
  insertCanary(db: RampartKysely, canary: CanaryRecord, now: number): Promise<void>;
  /** A scratch deployment of `config`'s kind, opened with `masterKey`. */
  createScratch(config: RampartConfig, masterKey: Secret<Buffer>): Promise<ScratchDeployment>;
  /** Runs `rampart <args> --json` on `config`'s deployment: exit code, last JSON line, last `rampart:` line. */
  runRampart(
    args: readonly string[],
    config: RampartConfig,
    masterKey: Secret<Buffer>,
  ): Promise<{ code: number; result: unknown; message: string }>;
  /** Starts `rampart serve` on `config`'s deployment, on a random loopback port. */
  startServer(config: RampartConfig, masterKey: Secret<Buffer>): Promise<ScratchServer>;
}
