/**
 * The backups' tables as Kysely sees them (migration `0022-backups`): the runs, the drills with
 * their signed reports, and the drill canary. Deployment-wide: no `org_id`.
 */

/** One backup run: its outcome, the backup it wrote (its id) and size; `failure` a code, never a message. */
export interface BackupRunTable {
  id: string;
  started_at: number;
  finished_at: number;
  /** 1 when the backup was written, 0 when the run failed. */
  ok: number;
  backup: string | null;
  bytes: number | null;
  failure: string | null;
}

/** One restore drill: the backup it restored, its outcome and its signed report (JSON). */
export interface BackupDrillTable {
  id: string;
  backup: string;
  ok: number;
  started_at: number;
  finished_at: number;
  report: string;
  signature: string;
}

/** The drill canary (one row, id `canary`): the account a drill signs in as, its password sealed. */
export interface BackupCanaryTable {
  id: string;
  user_id: string;
  email: string;
  sealed_password: string;
  created_at: number;
}

declare module '../../kernel/adapters/sql/schema.js' {
  interface RampartDatabase {
    backup_runs: BackupRunTable;
    backup_drills: BackupDrillTable;
    backup_canary: BackupCanaryTable;
  }
}
