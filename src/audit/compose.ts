/**
 * The audit part of the composition root: the tamper-evident log (group commit, sequencing and
 * integration on the shared database, personal fields sealed per subject), its ledger and signing
 * key, the alert rules in front of it, the witnesses (file, URL), the SIEM sink, the AuditService
 * behind the routes, and the checkpoint and retention schedules. Kept apart from `rampart.ts`.
 */
import { Counter, type Metric } from 'prom-client';
import { AuditSinkFile } from './adapters/audit-sink-file.js';
import { WitnessFile } from './adapters/witness-file.js';
import type { Logger } from '../kernel/adapters/log/pino-logger.js';
import type { AuditEntryTable } from './adapters/audit-tables.js';
import { SqlAuditKnownDevices } from './adapters/sql-audit-known-devices.js';
import { SqlAuditLedger } from './adapters/sql-audit-ledger.js';
import { SqlAuditLog } from './adapters/sql-audit-log.js';
import { readEntryView, SqlAuditReader } from './adapters/sql-audit-reader.js';
import { SqlAuditSubjects } from './adapters/sql-audit-subjects.js';
import type { SqlDatabase } from '../kernel/adapters/sql/sql-database.js';
import { WitnessUrl } from './adapters/witness-url.js';
import { masterKeyOf } from '../kernel/master-key.js';
import { deriveKey } from '../kernel/crypto/derive-key.js';
import type { RampartConfig } from '../kernel/config.js';
import type { Secret } from '../kernel/domain/secret.js';
import type { AuditLog } from '../kernel/ports/audit-log.js';
import type { CheckpointWitness } from './ports/checkpoint-witness.js';
import type { AuditEntryLocator } from './ports/audit-entry-locator.js';
import { SqlAuditEntryLocator } from './adapters/sql-audit-entry-locator.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { ReadinessProbe } from '../kernel/ports/readiness-probe.js';
import { AuditCursors } from './crypto/audit-cursor.js';
import { AlertingAuditLog, NO_ALERTS, type AlertChannel } from './services/audit-alerts.js';
import { RedisAlertCounter } from './adapters/redis-alert-counter.js';
import { AuditService } from './services/audit-service.js';
import { CheckpointScheduler } from './services/checkpoint-scheduler.js';
import { readRecorder, type ApiRead } from './services/read-audit.js';
import type { AuditReads } from './config.js';
import { auditRoutes } from './routes/audit.js';
import { orgAuditRoutes } from './routes/org-audit.js';
import { auditPersonalData } from './routes/personal-data.js';
import { SqlAuditPersonalData } from './adapters/sql-audit-personal-data.js';
import type { Kernel, Part } from '../kernel/part.js';

export interface Auditing {
  readonly log: AuditLog;
  readonly service: AuditService;
  /** `audit_witness`, when a witness URL is configured: fails once the database was found behind the witness. */
  readonly readiness: readonly ReadinessProbe[];
  /** The SIEM sink's counters, for the metrics registry. */
  readonly metrics: readonly Metric[];
  /** Finds an integrated entry by resource (an artifact signature's entry, for its bundle). */
  readonly locator: AuditEntryLocator;
  /** `RAMPART_AUDIT_READS`: whether the request chain records every authenticated read (`all`). */
  readonly reads: AuditReads;
  /**
   * Under `RAMPART_AUDIT_READS=all`, records an `api.read` entry for an authenticated request
   * (durable when it resolves; `audit_unavailable` when the log cannot record it); otherwise
   * resolves at once. Group-committed with every other entry.
   */
  recordRead(read: ApiRead): Promise<void>;
  /** Where `security.alert`s go besides the log (listeners), and where the rules count (Redis when configured). */
  readonly alerts: AlertChannel;
  /** Stops the schedules, closes the log (its queue written), the checkpoint scheduler and the sink. */
  close(): Promise<void>;
}

const RETENTION_INTERVAL_MS = 60 * 60 * 1000;
/** At least this often a checkpoint is asked for anyway: entries another process wrote (a CLI on the same SQLite file) are covered too. */
const CHECKPOINT_FALLBACK_S = 60;

/** The log's origin for a new deployment: `<public host>/rampart/audit` (C2SP tlog-checkpoint). */
export function auditOrigin(config: Pick<RampartConfig, 'publicUrl'>): string {
  return `${new URL(config.publicUrl).host}/rampart/audit`;
}

/** The key that seals the audit signing key: HKDF-SHA-256 of the master key for this one purpose (RFC 5869). */
export function auditKeyWrapKey(masterKey: Secret<Buffer>): Secret<Buffer> {
  return deriveKey(masterKey, 'audit-key-wrap');
}

/** The key that authenticates the listing's cursors: HKDF-SHA-256 of the master key (`audit-cursor`). */
export function auditCursorKey(masterKey: Secret<Buffer>): Secret<Buffer> {
  return deriveKey(masterKey, 'audit-cursor');
}

/** The key that wraps the per-subject keys of personal fields: HKDF-SHA-256 of the master key (`audit-subject-key-wrap`). */
export function auditSubjectKeyWrap(masterKey: Secret<Buffer>): Secret<Buffer> {
  return deriveKey(masterKey, 'audit-subject-key-wrap');
}

export async function composeAudit(
  config: RampartConfig,
  database: SqlDatabase,
  clock: Clock,
  logger: Logger,
  override?: AuditLog,
): Promise<Auditing> {
  const masterKey = masterKeyOf(config);
  const ledger = await SqlAuditLedger.open(database, { kek: auditKeyWrapKey(masterKey), origin: auditOrigin(config), clock });
  const subjectKeyWrap = auditSubjectKeyWrap(masterKey);
  const subjects = new SqlAuditSubjects(subjectKeyWrap);
  const reader = new SqlAuditReader(database.db, subjects);
  const onError = (what: string) => (error: unknown) => logger.error({ err: error }, what);

  const sink =
    config.auditSinkFile === undefined
      ? undefined
      : new AuditSinkFile(config.auditSinkFile, { onError: onError('audit sink write failed') });
  const onIntegrated =
    sink === undefined
      ? undefined
      : (rows: readonly AuditEntryTable[]) => {
          subjects
            .read(database.db, rows)
            .then((read) => sink.offer(read.map(readEntryView)))
            .catch(onError('audit sink read failed'));
        };
  // Checkpoints on demand: every commit that grew the tree asks for one (the scheduler is made below, with the service).
  const checkpoints: { scheduler?: CheckpointScheduler } = {};
  const sqlLog =
    override === undefined
      ? new SqlAuditLog(database, {
          clock,
          onError: onError('audit log write failed'),
          subjectKeyWrap,
          onCommitted: () => checkpoints.scheduler?.request(),
          ...(onIntegrated === undefined ? {} : { onIntegrated }),
        })
      : undefined;
  // Alert rules sit in front of the real log; a log given by a test of another part is used as is.
  const log: AuditLog =
    sqlLog === undefined
      ? (override as AuditLog)
      : new AlertingAuditLog(sqlLog, {
          clock,
          devices: new SqlAuditKnownDevices(database.db),
          accountThreshold: config.auditAlertLoginFailures,
          addressThreshold: config.auditAlertLoginFailures * 4,
          warn: (fields, message) => logger.warn(fields, message),
          onError: onError('audit alert rule failed'),
        });

  const witnesses: CheckpointWitness[] = [];
  if (config.auditWitnessFile !== undefined) witnesses.push(new WitnessFile(config.auditWitnessFile));
  const witnessUrl = config.auditWitnessUrl === undefined ? undefined : new WitnessUrl(config.auditWitnessUrl);
  if (witnessUrl !== undefined) witnesses.push(witnessUrl);
  const service = new AuditService(ledger, {
    witnesses,
    reader,
    cursors: new AuditCursors(auditCursorKey(masterKey)),
    forgetting: reader,
    log,
    clock,
    onWitnessError: onError('audit checkpoint witness push failed'),
    ...(config.auditRetentionDays === undefined ? {} : { retentionDays: config.auditRetentionDays }),
  });

  // A database restored from an old backup (or rolled back on purpose) is behind the witness:
  // say so loudly, and keep /readyz failing, since the log has lost entries it had signed.
  let witnessProblem: string | undefined;
  const readiness: ReadinessProbe[] = [];
  if (witnessUrl !== undefined) {
    try {
      const check = await service.checkWitness(await witnessUrl.latest());
      if (!check.ok) witnessProblem = check.problem;
    } catch (error) {
      logger.warn({ err: error }, 'the audit witness could not be read at startup; the log was not compared with it');
    }
    if (witnessProblem !== undefined)
      logger.error({ problem: witnessProblem }, 'AUDIT LOG ROLLBACK DETECTED: the database is behind its witness');
    readiness.push({ name: 'audit_witness', check: () => Promise.resolve(witnessProblem === undefined) });
  }

  const scheduler = new CheckpointScheduler(
    () => service.issueCheckpoint(),
    config.auditCheckpointInterval * 1000,
    onError('audit checkpoint failed'),
  );
  checkpoints.scheduler = scheduler;
  const schedule = setInterval(() => scheduler.request(), Math.max(config.auditCheckpointInterval, CHECKPOINT_FALLBACK_S) * 1000);
  schedule.unref();
  const prune = (): void => {
    service
      .prune()
      .then(({ expired }) => {
        if (expired > 0) logger.info({ expired }, 'audit retention dropped entry payloads');
      })
      .catch(onError('audit retention failed'));
  };
  const retention = config.auditRetentionDays === undefined ? undefined : setInterval(prune, RETENTION_INTERVAL_MS);
  retention?.unref();

  const metrics: Metric[] = [];
  if (sink !== undefined) {
    let counted = 0;
    metrics.push(
      new Counter({
        name: 'rampart_audit_sink_dropped_total',
        help: 'Audit entries the SIEM sink file dropped (buffer full or write failed); the durable log has them all',
        registers: [],
        collect() {
          const dropped = sink.dropped;
          if (dropped > counted) this.inc(dropped - counted);
          counted = dropped;
        },
      }),
    );
  }

  return {
    log,
    service,
    readiness,
    metrics,
    locator: new SqlAuditEntryLocator(database.db, async () => {
      await sqlLog?.integrate();
    }),
    reads: config.auditReads,
    recordRead: readRecorder(log, config.auditReads),
    alerts: log instanceof AlertingAuditLog ? log : NO_ALERTS,
    async close() {
      clearInterval(schedule);
      if (retention !== undefined) clearInterval(retention);
      await sqlLog?.close();
      await scheduler.close();
      await sink?.close();
    },
  };
}

/** The audit capability on the kernel: the log every later capability records through, its routes and probes. */
export async function composeAuditPart(kernel: Kernel): Promise<Part<Auditing>> {
  const auditing = kernel.closers.add(
    'audit',
    await composeAudit(kernel.config, kernel.database, kernel.clock, kernel.logger, kernel.options.audit),
  );
  const personal = new SqlAuditPersonalData(kernel.database.db, new SqlAuditSubjects(auditSubjectKeyWrap(kernel.masterKey())));
  // With Redis, every instance's alert rules count together (issue 22 item 1).
  if (kernel.redis !== undefined) auditing.alerts.useCounter(new RedisAlertCounter(kernel.redis));
  // A server's start records its configuration (issue 22 item 1, `recordConfigStart`: src/serve.ts sets it);
  // a CLI command composing Rampart for its own work, or a test giving its own log, does not.
  if (kernel.options.recordConfigStart === true && kernel.options.audit === undefined) {
    const { recordConfigStart } = await import('./services/config-start-audit.js');
    const { SqlConfigStateStore } = await import('./adapters/config-state-tables.js');
    await recordConfigStart({
      store: new SqlConfigStateStore(kernel.database.db),
      log: auditing.log,
      config: kernel.config,
      rootKey: kernel.masterKey(),
      now: kernel.clock.now(),
    });
  }
  return {
    facade: auditing,
    personalData: auditPersonalData(personal),
    routes: async (app) => {
      await auditRoutes(app, auditing.service);
      await orgAuditRoutes(app, auditing.service);
    },
    readiness: auditing.readiness,
    metrics: auditing.metrics,
  };
}
