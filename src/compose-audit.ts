/**
 * The audit part of the composition root: the tamper-evident log (group commit, sequencing and
 * integration on the shared database), its ledger and signing key, the witness file, the
 * AuditService behind the routes, and the checkpoint schedule. Kept apart from `rampart.ts`.
 */
import { hkdfSync } from 'node:crypto';
import { WitnessFile } from './adapters/fs/witness-file.js';
import type { Logger } from './adapters/log/pino-logger.js';
import { SqlAuditLedger } from './adapters/sql/sql-audit-ledger.js';
import { SqlAuditLog } from './adapters/sql/sql-audit-log.js';
import type { SqlDatabase } from './adapters/sql/sql-database.js';
import { masterKeyOf } from './compose-identity.js';
import type { RampartConfig } from './config.js';
import { secret, type Secret } from './domain/secret.js';
import type { AuditLog } from './ports/audit-log.js';
import type { Clock } from './ports/clock.js';
import { AuditService } from './services/audit-service.js';

export interface Auditing {
  readonly log: AuditLog;
  readonly service: AuditService;
  /** Stops the checkpoint schedule and closes the log (its queue written, the integrator lock handed over). */
  close(): Promise<void>;
}

/** The log's origin for a new deployment: `<public host>/rampart/audit` (C2SP tlog-checkpoint). */
export function auditOrigin(config: Pick<RampartConfig, 'publicUrl'>): string {
  return `${new URL(config.publicUrl).host}/rampart/audit`;
}

/** The key that seals the audit signing key: HKDF-SHA-256 of the master key for this one purpose (RFC 5869). */
export function auditKeyWrapKey(masterKey: Secret<Buffer>): Secret<Buffer> {
  return secret(Buffer.from(hkdfSync('sha256', masterKey.reveal(), Buffer.alloc(0), 'rampart/v1/audit-key-wrap', 32)));
}

export async function composeAudit(
  config: RampartConfig,
  database: SqlDatabase,
  clock: Clock,
  logger: Logger,
  override?: AuditLog,
): Promise<Auditing> {
  const ledger = await SqlAuditLedger.open(database, {
    kek: auditKeyWrapKey(masterKeyOf(config)),
    origin: auditOrigin(config),
    clock,
  });
  const witness = config.auditWitnessFile === undefined ? undefined : new WitnessFile(config.auditWitnessFile);
  const service = new AuditService(ledger, witness);
  const sqlLog =
    override === undefined
      ? new SqlAuditLog(database, { clock, onError: (error) => logger.error({ err: error }, 'audit log write failed') })
      : undefined;
  const schedule = setInterval(() => {
    service.issueCheckpoint().catch((error: unknown) => logger.error({ err: error }, 'audit checkpoint failed'));
  }, config.auditCheckpointInterval * 1000);
  schedule.unref();
  return {
    log: override ?? (sqlLog as SqlAuditLog),
    service,
    async close() {
      clearInterval(schedule);
      await sqlLog?.close();
    },
  };
}
