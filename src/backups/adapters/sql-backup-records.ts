/**
 * Where backup runs and restore drills are recorded (migration `0022-backups`), and where the
 * readiness and doctor checks read the latest of each. Deployment-wide rows, read and written
 * outside any tenant scope (no `org_id`: no row-level security applies).
 */
import type { RampartKysely } from '../../kernel/adapters/sql/schema.js';
import type { BackupRunRecord, DrillCheck, DrillReport } from '../domain/reports.js';

export type { BackupRunRecord } from '../domain/reports.js';
import './backup-tables.js';

/** A recorded drill: its report as signed, and the record's id. */
export interface DrillRecord extends DrillReport {
  readonly id: string;
}

/** Records a backup run. */
export async function recordBackupRun(db: RampartKysely, run: BackupRunRecord): Promise<void> {
  await db
    .insertInto('backup_runs')
    .values({
      id: run.id,
      started_at: run.startedAt,
      finished_at: run.finishedAt,
      ok: run.ok ? 1 : 0,
      backup: run.backup,
      bytes: run.bytes,
      failure: run.failure,
    })
    .execute();
}

/** The latest backup run (the latest successful one with `{ ok: true }`), by finishing time. */
export async function latestBackupRun(db: RampartKysely, filter: { readonly ok?: boolean } = {}): Promise<BackupRunRecord | undefined> {
  let query = db.selectFrom('backup_runs').selectAll();
  if (filter.ok !== undefined) query = query.where('ok', '=', filter.ok ? 1 : 0);
  const row = await query.orderBy('finished_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    id: row.id,
    startedAt: Number(row.started_at),
    finishedAt: Number(row.finished_at),
    ok: Number(row.ok) === 1,
    backup: row.backup,
    bytes: row.bytes === null ? null : Number(row.bytes),
    failure: row.failure,
  };
}

/** Records a drill's signed report under `id`. */
export async function recordDrill(db: RampartKysely, id: string, report: DrillReport): Promise<void> {
  await db
    .insertInto('backup_drills')
    .values({
      id,
      backup: report.backup,
      ok: report.ok ? 1 : 0,
      started_at: report.startedAt,
      finished_at: report.finishedAt,
      report: JSON.stringify(report.checks),
      signature: report.signature,
    })
    .execute();
}

/** The latest drill (the latest successful one with `{ ok: true }`), by finishing time. */
export async function latestDrill(db: RampartKysely, filter: { readonly ok?: boolean } = {}): Promise<DrillRecord | undefined> {
  let query = db.selectFrom('backup_drills').selectAll();
  if (filter.ok !== undefined) query = query.where('ok', '=', filter.ok ? 1 : 0);
  const row = await query.orderBy('finished_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    id: row.id,
    backup: row.backup,
    ok: Number(row.ok) === 1,
    startedAt: Number(row.started_at),
    finishedAt: Number(row.finished_at),
    checks: JSON.parse(row.report) as DrillCheck[],
    signature: row.signature,
  };
}
