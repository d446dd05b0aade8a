/**
 * The audit log of a restored database, checked against the backup's manifest: the manifest's
 * checkpoint must verify with the restored log's key, and the restored tree must hash to its root
 * at its size (RFC 9162 §2.1; the audit capability's `checkWitness`). When a witness URL is
 * configured, the restored log is also compared with the witness's latest checkpoint: a restore is
 * by nature behind a witness that saw later checkpoints, and that rollback is reported.
 */
import { composeAudit } from '../../audit/index.js';
import { createLogger } from '../../kernel/adapters/log/pino-logger.js';
import { migrateToLatest, openDatabase } from '../../kernel/adapters/sql/sql-database.js';
import type { RampartConfig } from '../../kernel/config.js';
import type { AuditAction } from '../../kernel/domain/audit-entry.js';
import { systemClock } from '../../kernel/ports/clock.js';
import type { Manifest } from '../domain/backup-manifest.js';
import { backupEvent } from './backup.js';

export interface RestoredAuditCheck {
  readonly ok: boolean;
  readonly detail: string;
  /** The witness comparison: null when no witness URL is configured. */
  readonly witness: { readonly ok: boolean; readonly detail: string } | null;
}

/** Opens the restored deployment of `config`, checks its audit log, and records `record` there if given. */
export async function checkRestoredAudit(
  config: RampartConfig,
  manifest: Manifest,
  record?: { readonly action: AuditAction; readonly details: Record<string, unknown> },
): Promise<RestoredAuditCheck> {
  const logger = createLogger('error', process.stderr);
  const database = openDatabase({ url: config.databaseUrl, migrationUrl: config.databaseMigrationUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(database);
    const auditing = await composeAudit(config, database, systemClock, logger);
    try {
      const checkpoint = manifest.audit.checkpoint;
      const check = checkpoint === null ? ({ ok: true, witnessSize: null } as const) : await auditing.service.checkWitness(checkpoint);
      const audit = check.ok
        ? {
            ok: true,
            detail:
              checkpoint === null
                ? 'no checkpoint was signed before the backup'
                : `the log verifies up to the manifest's checkpoint (${manifest.audit.tree_size} entries)`,
          }
        : { ok: false, detail: check.problem };
      let witness: RestoredAuditCheck['witness'] = null;
      if (config.auditWitnessUrl !== undefined) {
        const probes = await Promise.all(auditing.readiness.map(async (probe) => probe.check()));
        witness = probes.every(Boolean)
          ? { ok: true, detail: 'consistent with the witness' }
          : { ok: false, detail: 'the restored log is behind the witness: a rollback to the backup’s time (entries after it are lost)' };
      }
      if (record !== undefined && audit.ok) await auditing.log.record(backupEvent(record.action, `backup:${manifest.id}`, record.details));
      return { ...audit, witness };
    } finally {
      await auditing.close();
    }
  } finally {
    await database.close();
  }
}
