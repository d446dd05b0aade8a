/**
 * The backups part of the composition root (issue 19): the org export's service and route, and,
 * when their schedules are set, the server's scheduled backups and restore drills — their timer
 * (on the close stack from its start), `/readyz`'s `backup` probe and the metrics.
 */
import type { Identity } from '../identity/index.js';
import type { Earlier, Kernel, Part } from '../kernel/part.js';
import type { AuditLog } from '../kernel/ports/audit-log.js';
import type { ReadinessProbe } from '../kernel/ports/readiness-probe.js';
import { backupPorts } from './adapters/backup-ports.js';
import { DirectoryBackupTarget } from './adapters/directory-backup-target.js';
import { IdentityCanaryAccounts } from './adapters/identity-canary-accounts.js';
import { latestBackupRun, latestDrill } from './adapters/sql-backup-records.js';
import { orgExportRoutes } from './routes/org-export.js';
import { backupProbe } from './schedule/backup-probe.js';
import { BackupScheduler, scheduledBackup, scheduleMetrics, type ScheduleMetrics } from './schedule/backup-scheduler.js';
import { scheduledDrill } from './schedule/scheduled-drill.js';
import { BACKUP_RUN_LOCK, DRILL_RUN_LOCK, RunLock } from './schedule/run-lock.js';
import { ScheduledWork } from './schedule/scheduled-work.js';
import { createBackup } from './services/backup.js';
import { runRestoreDrill } from './services/drill.js';
import { OrgExport } from './services/org-export.js';

/** What the backups capability hands the application. */
export interface Backups {
  /** The org export (`GET /api/v1/orgs/{org}/export`). */
  readonly orgExport: OrgExport;
  /** The scheduled backup, when `RAMPART_BACKUP_SCHEDULE` is set (`tick()` runs it when due). */
  readonly scheduledBackup: ScheduledWork | undefined;
  /** The scheduled restore drill, when `RAMPART_DRILL_SCHEDULE` is set. */
  readonly scheduledDrill: ScheduledWork | undefined;
}

/** The scheduled backup's work on the kernel: audited in the server's log, its drill canary through identity. */
function backupWork(
  kernel: Kernel,
  identity: Pick<Identity, 'users' | 'hasher'>,
  audit: AuditLog,
  metrics: ScheduleMetrics,
  onDone: () => void,
): ScheduledWork | undefined {
  const { config, database, clock, logger } = kernel;
  const spec = config.backupSchedule;
  if (spec === undefined) return undefined;
  const target = new DirectoryBackupTarget(config.backupDir);
  const canary = new IdentityCanaryAccounts(identity);
  const ports = backupPorts();
  return new ScheduledWork({
    spec,
    lock: new RunLock(database, BACKUP_RUN_LOCK),
    clock,
    lastStarted: async () => (await latestBackupRun(database.db))?.startedAt,
    run: async () => {
      const ok = await scheduledBackup({
        audit,
        logger,
        target,
        retention: { keepLast: config.backupKeepLast, keepDaily: config.backupKeepDaily, keepWeekly: config.backupKeepWeekly },
        metrics,
        backup: async (noting) => {
          const report = await createBackup(config, { dir: config.backupDir, ports, files: kernel.backupFiles, audit: noting, canary });
          return { id: report.id, finishedAt: clock.now() };
        },
      });
      onDone();
      return ok;
    },
  });
}

/**
 * The backups capability on the kernel, audit (the server's log records the scheduled runs and
 * the exports) and identity (the drill canary's account).
 */
export async function composeBackupsPart(kernel: Kernel, earlier: Earlier): Promise<Part<Backups>> {
  const { log: audit } = earlier.need('audit', 'backups');
  const identity: Pick<Identity, 'users' | 'hasher'> = earlier.need('identity', 'backups');
  const { config, database, clock, logger } = kernel;
  const metrics = scheduleMetrics(
    async () => (await latestBackupRun(database.db, { ok: true }))?.finishedAt,
    async () => (await latestDrill(database.db, { ok: true }))?.finishedAt,
  );
  const readiness: ReadinessProbe[] = [];
  let forget = (): void => undefined;
  if (config.backupSchedule !== undefined) {
    const probe = backupProbe({
      clock,
      maxAgeMs: config.backupMaxAge,
      startedAt: clock.now(),
      lastSuccess: async () => (await latestBackupRun(database.db, { ok: true }))?.finishedAt,
    });
    forget = () => probe.forget();
    readiness.push(probe);
  }
  const backup = backupWork(kernel, identity, audit, metrics, () => forget());
  const drill =
    config.drillSchedule === undefined
      ? undefined
      : new ScheduledWork({
          spec: config.drillSchedule,
          lock: new RunLock(database, DRILL_RUN_LOCK),
          clock,
          lastStarted: async () => (await latestDrill(database.db))?.startedAt,
          run: () =>
            scheduledDrill({
              logger,
              metrics,
              drill: () => runRestoreDrill(config, { dir: config.backupDir, ports: backupPorts(), audit }),
            }),
        });
  const works = [backup, drill].filter((work): work is ScheduledWork => work !== undefined);
  const scheduler = kernel.closers.add('backup scheduler', new BackupScheduler(works, kernel.onError('scheduled backup work failed')));
  if (kernel.options.background !== false) scheduler.start();
  if (works.length > 0) logger.info({ backup: config.backupSchedule?.text, drill: config.drillSchedule?.text }, 'backup schedules on');

  const orgExport = new OrgExport({ sections: () => kernel.orgData(), audit, clock });
  const backups: Backups = Object.freeze({ orgExport, scheduledBackup: backup, scheduledDrill: drill });
  return {
    facade: backups,
    routes: (app) => orgExportRoutes(app, orgExport, kernel.orgData()),
    readiness,
    metrics: metrics.metrics,
  };
}
