/**
 * The server's scheduled backups and restore drills (`RAMPART_BACKUP_SCHEDULE`,
 * `RAMPART_DRILL_SCHEDULE`): a timer asks each {@link ScheduledWork} every {@link TICK_MS}
 * whether it is due; one instance runs each slot (run-lock.ts).
 *
 * A backup run is audited by the backup itself (`backup.create`, entry first; services/backup.ts)
 * and recorded in `backup_runs`. A failure is alerted three ways: an error-level log line, a
 * `backup.create` `failure` entry (the backup's own `not_applied:<code>` entry, or, when it failed
 * before it could record one, this scheduler's), and `rampart_backup_last_success_timestamp`,
 * which stops moving (and `rampart_backup_failures_total`, which does). After a success,
 * retention runs (backup-retention.ts); a retention failure is logged, and the backup stands.
 * A drill is the same: its report is signed and recorded by the drill itself, and a failed drill
 * is logged at error level and counted.
 */
import { Counter, Gauge, type Metric } from 'prom-client';
import type { Logger } from '../../kernel/adapters/log/pino-logger.js';
import { DomainError } from '../../kernel/domain/errors.js';
import { SYSTEM_ORG_SLUG } from '../../kernel/domain/system-org.js';
import type { AuditEvent, AuditLog } from '../../kernel/ports/audit-log.js';
import type { BackupTarget } from '../ports/backup-target.js';
import { applyRetention } from './backup-retention.js';
import type { RetentionPolicy } from './retention.js';
import type { ScheduledWork, TickOutcome } from './scheduled-work.js';

/** How often the timer asks whether a run is due. */
export const TICK_MS = 60_000;

/** An error's code for the log and the audit entry: never its message. */
export function failureCode(error: unknown): string {
  if (error instanceof DomainError) return error.code;
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[A-Za-z0-9_]{1,40}$/.test(code) ? code : 'backup_failed';
}

/** An audit log that passes every event on and notes the actions it recorded. */
export class NotingAuditLog implements AuditLog {
  readonly #log: AuditLog;
  readonly recorded = new Set<string>();

  constructor(log: AuditLog) {
    this.#log = log;
  }

  async record(event: AuditEvent): Promise<void> {
    await this.#log.record(event);
    this.recorded.add(event.action);
  }
}

/** The last success and failure counts, as the metrics and `/readyz` read them. */
export interface ScheduleMetrics {
  readonly metrics: readonly Metric[];
  backupSucceeded(at: number): void;
  backupFailed(): void;
  drillSucceeded(at: number): void;
  drillFailed(): void;
}

/**
 * The backups' metrics. The gauges start from the database's records (`lastBackup`, `lastDrill`:
 * the latest successful run's finishing time, read at each scrape until a run here sets them).
 */
export function scheduleMetrics(
  lastBackup: () => Promise<number | undefined>,
  lastDrill: () => Promise<number | undefined>,
): ScheduleMetrics {
  let backupAt: number | undefined;
  let drillAt: number | undefined;
  const backupGauge = new Gauge({
    name: 'rampart_backup_last_success_timestamp',
    help: 'When the latest successful backup finished (Unix seconds; 0 when none is recorded). Alert when it stops moving.',
    registers: [],
    async collect() {
      backupAt ??= await lastBackup().catch(() => undefined);
      this.set(backupAt === undefined ? 0 : backupAt / 1000);
    },
  });
  const drillGauge = new Gauge({
    name: 'rampart_backup_drill_last_success_timestamp',
    help: 'When the latest successful restore drill finished (Unix seconds; 0 when none is recorded).',
    registers: [],
    async collect() {
      drillAt ??= await lastDrill().catch(() => undefined);
      this.set(drillAt === undefined ? 0 : drillAt / 1000);
    },
  });
  const failures = new Counter({
    name: 'rampart_backup_failures_total',
    help: 'Scheduled backups and restore drills that failed, by kind',
    labelNames: ['kind'],
    registers: [],
  });
  return {
    metrics: [backupGauge, drillGauge, failures],
    backupSucceeded: (at) => void (backupAt = at),
    backupFailed: () => failures.inc({ kind: 'backup' }),
    drillSucceeded: (at) => void (drillAt = at),
    drillFailed: () => failures.inc({ kind: 'drill' }),
  };
}

export interface ScheduledBackupOptions {
  readonly audit: AuditLog;
  readonly logger: Logger;
  readonly target: BackupTarget;
  readonly retention: RetentionPolicy;
  readonly metrics: ScheduleMetrics;
  /** Takes the backup, recording in `audit`; resolves with its id and when it finished. */
  readonly backup: (audit: AuditLog) => Promise<{ readonly id: string; readonly finishedAt: number }>;
}

/** One scheduled backup: see the module comment. Resolves whether it succeeded; never rejects. */
export async function scheduledBackup(o: ScheduledBackupOptions): Promise<boolean> {
  const noting = new NotingAuditLog(o.audit);
  let written: { readonly id: string; readonly finishedAt: number };
  try {
    written = await o.backup(noting);
  } catch (error) {
    const code = failureCode(error);
    o.metrics.backupFailed();
    o.logger.error({ err: error, failure: code, dir: o.target.location }, 'scheduled backup FAILED: no backup was written');
    if (!noting.recorded.has('backup.create')) {
      await o.audit.record(failedBackupEvent(code)).catch((auditError: unknown) => {
        o.logger.error({ err: auditError }, 'the failed scheduled backup could not be recorded in the audit log');
      });
    }
    return false;
  }
  o.metrics.backupSucceeded(written.finishedAt);
  o.logger.info({ backup: written.id }, 'scheduled backup written');
  try {
    const pruned = await applyRetention(o.target, o.retention, written.id, o.audit);
    if (pruned.length > 0) o.logger.info({ pruned }, 'backup retention deleted old backups');
  } catch (error) {
    o.logger.error({ err: error, failure: failureCode(error) }, 'backup retention failed; no backup was lost by it');
  }
  return true;
}

/** The `failure` entry of a scheduled backup that failed before the backup recorded its own entry. */
function failedBackupEvent(code: string): AuditEvent {
  return {
    org: SYSTEM_ORG_SLUG,
    actor: { type: 'system', id: null },
    action: 'backup.create',
    resource: 'backup:scheduled',
    result: 'failure',
    reason: `not_applied:${code}`,
    sourceIp: null,
    requestId: null,
    details: { scheduled: true },
  };
}

/** The timer that ticks the scheduled work; `close` stops it and waits for a run under way. */
export class BackupScheduler {
  readonly #works: readonly ScheduledWork[];
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<unknown> = Promise.resolve();

  constructor(works: readonly ScheduledWork[], onError: (error: unknown) => void) {
    this.#works = works;
    this.#onError = onError;
  }

  start(tickMs = TICK_MS): void {
    if (this.#works.length === 0) return;
    this.#timer = setInterval(() => void this.tick(), tickMs);
    this.#timer.unref();
  }

  /** Asks each work whether it is due, one after the other; resolves with what each did. */
  tick(): Promise<readonly TickOutcome[]> {
    const run = this.#ticking.then(async () => {
      const outcomes: TickOutcome[] = [];
      for (const work of this.#works) outcomes.push(await work.tick().catch((error: unknown) => (this.#onError(error), 'failed' as const)));
      return outcomes;
    });
    this.#ticking = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#ticking;
  }
}
