/**
 * What a backup run and a restore drill report (`rampart backup --json`, `rampart restore-drill
 * --json`, the scheduled runs, `/readyz` and `rampart doctor`). Pure data: sizes, counts, timings,
 * names of checks; never a key, a password or a secret value.
 */

/** A backup written: its manifest and data file, their size, the rows per table it holds. */
export interface BackupReport {
  /** The backup's id (`bkp_…`), the stem of its files. */
  readonly id: string;
  /** The encrypted data file's path. */
  readonly file: string;
  /** The signed manifest's path (written last: a backup without it does not exist). */
  readonly manifest: string;
  /** Bytes written, data and manifest. */
  readonly bytes: number;
  /** Rows per table, counted in the snapshot itself. */
  readonly tables: Readonly<Record<string, number>>;
  readonly durationMs: number;
  /** The tree size of the audit log's latest signed checkpoint in the snapshot, or null when none was signed yet. */
  readonly checkpointSize: number | null;
}

/** One check of a restore drill: its name (`manifest`, `audit`, `secrets`, `row_counts`, `migrations`, `login`…), outcome, timing. */
export interface DrillCheck {
  readonly name: string;
  readonly ok: boolean;
  /** What was checked, or what failed: counts and names, never a value. */
  readonly detail: string;
  readonly ms: number;
}

/** A restore drill's report, signed (HMAC-SHA-256 under a key derived from the master key). */
export interface DrillReport {
  readonly ok: boolean;
  /** The backup's id. */
  readonly backup: string;
  readonly checks: readonly DrillCheck[];
  readonly startedAt: number;
  readonly finishedAt: number;
  /** base64url HMAC-SHA-256 of the report's canonical JSON without this field (backups/crypto/backup-signature.ts). */
  readonly signature: string;
}

/** One backup run, successful or not (`backup_runs`). */
export interface BackupRunRecord {
  readonly id: string;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly ok: boolean;
  /** The backup's id when one was written. */
  readonly backup: string | null;
  readonly bytes: number | null;
  /** Why the run failed: an error code (`backup_failed`…), never a message. */
  readonly failure: string | null;
}
