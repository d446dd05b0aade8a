/**
 * One scheduled restore drill (`RAMPART_DRILL_SCHEDULE`): the newest backup in
 * `RAMPART_BACKUP_DIR` restored into a scratch location and verified (services/drill.ts), which
 * audits the drill (`backup.drill`) and records its signed report itself. Here: a drill that
 * fails — or cannot run at all (no backup yet, no master key) — is alerted with an error-level
 * log line naming the failed checks and with `rampart_backup_failures_total{kind="drill"}`; a
 * success moves `rampart_backup_drill_last_success_timestamp`. Never rejects.
 */
import type { Logger } from '../../kernel/adapters/log/pino-logger.js';
import type { DrillReport } from '../domain/reports.js';
import { failureCode, type ScheduleMetrics } from './backup-scheduler.js';

export interface ScheduledDrillOptions {
  readonly logger: Logger;
  readonly metrics: ScheduleMetrics;
  /** Runs the drill of the newest backup; resolves with its signed report. */
  readonly drill: () => Promise<DrillReport>;
}

/** Resolves whether the drill passed. */
export async function scheduledDrill(o: ScheduledDrillOptions): Promise<boolean> {
  let report: DrillReport;
  try {
    report = await o.drill();
  } catch (error) {
    o.metrics.drillFailed();
    o.logger.error({ err: error, failure: failureCode(error) }, 'scheduled restore drill could not run');
    return false;
  }
  if (!report.ok) {
    o.metrics.drillFailed();
    const failed = report.checks.filter((check) => !check.ok).map((check) => ({ name: check.name, detail: check.detail }));
    o.logger.error({ backup: report.backup, failed }, 'scheduled restore drill FAILED: the backup did not restore as it should');
    return false;
  }
  o.metrics.drillSucceeded(report.finishedAt);
  o.logger.info({ backup: report.backup, ms: report.finishedAt - report.startedAt }, 'scheduled restore drill passed');
  return true;
}
