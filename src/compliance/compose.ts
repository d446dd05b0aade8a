/**
 * The compliance part of the composition root (issue 22 items 2 and 6): the retention purge over
 * every capability's declared rules (and, when `RAMPART_RETENTION_PURGE_INTERVAL` is set, its
 * schedule, on the close stack from its start), the collection policy of request contexts
 * (installed on the server with the routes), the record of processing, and the access review.
 */
import { RunLock } from '../backups/index.js';
import { installCollection } from '../kernel/http/request-context.js';
import type { Earlier, Kernel, Part, PrivacyDeclarations } from '../kernel/part.js';
import { SqlAccessReview } from './adapters/sql-access-review.js';
import { SqlRetentionStore } from './adapters/sql-retention-store.js';
import { RETENTION_DAYS } from './config.js';
import { accessReviewRoutes } from './routes/access-review.js';
import { PURGE_RUN_LOCK, PurgeSchedule } from './schedule/purge-schedule.js';
import { AccessReview } from './services/access-review.js';
import { privacyRecord, type PrivacyRecord } from './services/privacy-record.js';
import { RetentionPurge, retentionDaysOf, type DelegatedPurge } from './services/retention-purge.js';

/** What the compliance capability hands the application. */
export interface Compliance {
  readonly purge: RetentionPurge;
  /** The scheduled purge, when `RAMPART_RETENTION_PURGE_INTERVAL` is not `off`. */
  readonly schedule: PurgeSchedule | undefined;
  readonly accessReview: AccessReview;
  /** The record of processing (GDPR Art. 30) under the configuration in effect. */
  record(): PrivacyRecord;
}

/** The kind whose rows the audit log purges itself: it drops payloads and keeps the leaf hashes. */
export const AUDIT_PAYLOADS = 'audit_payloads';

const NONE: PrivacyDeclarations = { retention: [], processing: [] };

export async function composeCompliancePart(kernel: Kernel, earlier: Earlier): Promise<Part<Compliance>> {
  const auditing = earlier.need('audit', 'compliance');
  const { config, database, clock, logger } = kernel;
  const declarations = kernel.privacy ?? NONE;
  const daysOf = retentionDaysOf(RETENTION_DAYS, config);
  const auditPayloads: DelegatedPurge = {
    async count(cutoff) {
      const row = await database.db
        .selectFrom('audit_entries')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('payload', 'is', null)
        .where('timestamp', '<', cutoff)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    purge: async (days) => (await auditing.service.prune(days)).expired,
  };
  const purge = new RetentionPurge({
    rules: declarations.retention,
    daysOf,
    store: new SqlRetentionStore(database),
    delegated: { [AUDIT_PAYLOADS]: auditPayloads },
    audit: auditing.log,
    clock,
  });
  const interval = config.retentionPurgeInterval;
  const schedule =
    interval === undefined
      ? undefined
      : new PurgeSchedule({
          intervalMs: interval,
          lock: new RunLock(database, PURGE_RUN_LOCK),
          purge: () => purge.run({ dryRun: false }),
          onError: kernel.onError('retention purge failed'),
          onDone: (report) => {
            const deleted = report.kinds.reduce((sum, kind) => sum + kind.deleted, 0);
            if (deleted > 0) logger.info({ deleted }, 'retention purge deleted personal data past its retention');
          },
        });
  if (schedule !== undefined) {
    kernel.closers.add('retention purge', schedule);
    if (kernel.options.background !== false) schedule.start();
  }
  const accessReview = new AccessReview({ store: new SqlAccessReview(database), audit: auditing.log, clock });
  const compliance: Compliance = Object.freeze({
    purge,
    schedule,
    accessReview,
    record: () => privacyRecord(declarations, config, daysOf, clock.now()),
  });
  return {
    facade: compliance,
    routes: async (app) => {
      installCollection(app, { ip: config.collectIp, userAgent: config.collectUserAgent });
      await accessReviewRoutes(app, accessReview);
    },
  };
}
