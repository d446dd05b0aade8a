/**
 * `rampart keys custody …` (issue 22 item 3, kernel/custody/key-custody.ts):
 * - `status`: where the root key lives and, per key kind, where each key lives (the doctor's table);
 * - `migrate [--remove-key-file]`: moves a master-key deployment to the PKCS#11 token — seals the
 *   master key as the root in `<dataDir>/root-key.sealed`, reads it back through the token and,
 *   with `--remove-key-file`, deletes `master.key`. Audited as `keys.custody.migrate` (actor
 *   `system`, id `cli`) before the change: no entry, no migration. Resumable: run again after a
 *   crash, it finds the sealed root, checks it, and finishes. Then unset RAMPART_MASTER_KEY.
 */
import { composeAudit } from '../../audit/index.js';
import { createLogger } from '../../kernel/adapters/log/pino-logger.js';
import { migrateToLatest, openDatabase } from '../../kernel/adapters/sql/sql-database.js';
import { auditedChange } from '../../kernel/audited-change.js';
import type { Output } from '../../kernel/cli/output.js';
import type { RampartConfig } from '../../kernel/config.js';
import { custodyOf, CustodyMigrationError, migrateToToken, migrationInputs } from '../../kernel/custody/key-custody.js';
import { SYSTEM_ORG_SLUG } from '../../kernel/domain/system-org.js';
import type { AuditEvent } from '../../kernel/ports/audit-log.js';
import { systemClock } from '../../kernel/ports/clock.js';
import { custodyTable } from '../key-doctor.js';

export function runKeysCustodyStatus(config: RampartConfig, out: Output): Promise<number> {
  const custody = custodyOf(config);
  const table = custodyTable(config);
  const root =
    custody.kind === 'token'
      ? { custody: 'token', token: custody.token, created_at: new Date(custody.createdAt).toISOString() }
      : { custody: 'master-key', source: custody.source };
  out.result({ root, keys: table }, table.map((row) => `${row.kind.padEnd(36)} ${row.lives}`).join('\n'));
  return Promise.resolve(0);
}

export async function runKeysCustodyMigrate(config: RampartConfig, out: Output, removeKeyFile: boolean): Promise<number> {
  try {
    migrationInputs(config);
  } catch (error) {
    if (!(error instanceof CustodyMigrationError)) throw error;
    if (out.json) out.result({ error: { message: error.message } }, '');
    out.note(`rampart: ${error.message}`);
    return 2;
  }
  out.progress(0, 3, 'opening the audit log');
  const database = openDatabase({ url: config.databaseUrl, migrationUrl: config.databaseMigrationUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(database);
    const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, process.stderr);
    const auditing = await composeAudit(config, database, systemClock, logger);
    try {
      out.progress(1, 3, 'sealing the root key in the token');
      const event: AuditEvent = {
        org: SYSTEM_ORG_SLUG,
        actor: { type: 'system', id: 'cli' },
        action: 'keys.custody.migrate',
        resource: `custody:token:${config.pkcs11TokenLabel ?? ''}`,
        result: 'success',
        sourceIp: null,
        requestId: null,
        details: { to: 'pkcs11', device_label: config.pkcs11TokenLabel ?? '', remove_key_file: removeKeyFile },
      };
      const result = await auditedChange(auditing.log, event, () =>
        Promise.resolve().then(() => migrateToToken(config, { removeKeyFile, now: systemClock.now() })),
      );
      out.progress(3, 3, 'done');
      out.result(
        { custody: 'token', token: result.token, step: result.step, key_file_removed: result.keyFileRemoved },
        `${result.step === 'resumed' ? 'resumed: ' : ''}every key is now in the custody of token ${result.token}` +
          `${result.keyFileRemoved ? '; master.key removed' : ''}; unset RAMPART_MASTER_KEY and keep the token's PIN at hand`,
      );
      return 0;
    } finally {
      await auditing.close();
    }
  } catch (error) {
    if (!(error instanceof CustodyMigrationError)) throw error;
    if (out.json) out.result({ error: { message: error.message } }, '');
    out.note(`rampart: ${error.message}`);
    return 2;
  } finally {
    await database.close();
  }
}
