/**
 * `rampart keys rotate`: adds a new access-token signing key to the shared store and demotes the
 * active one to `retiring` (it keeps verifying, and stays in the JWKS, for an hour). Running
 * instances pick the new key up at their next key reload (30 s); no request fails across it.
 * Audited as `keys.rotate` (actor `system`, id `cli`) before the rotation: no entry, no rotation.
 */
import { prepareDataDirectory } from '../../kernel/adapters/fs/data-directory.js';
import { migrateToLatest, openDatabase } from '../../kernel/adapters/sql/sql-database.js';
import { signingKeyStore } from '../../identity/index.js';
import type { RampartConfig } from '../../kernel/config.js';
import { systemClock } from '../../kernel/ports/clock.js';
import { TokenService } from '../../identity/index.js';
import type { Output } from '../../kernel/cli/output.js';
import type { CommandContext } from '../../kernel/part.js';
import { composeAudit } from '../../audit/index.js';
import { createLogger } from '../../kernel/adapters/log/pino-logger.js';
import { auditedChange } from '../../kernel/audited-change.js';
import { SYSTEM_ORG_SLUG } from '../../kernel/domain/system-org.js';
import type { AuditEvent } from '../../kernel/ports/audit-log.js';

export async function runKeysRotate(config: RampartConfig, out: Output): Promise<number> {
  prepareDataDirectory(config.dataDir);
  const database = openDatabase({ url: config.databaseUrl, migrationUrl: config.databaseMigrationUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(database);
    const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, process.stderr);
    const auditing = await composeAudit(config, database, systemClock, logger);
    const tokens = new TokenService({
      store: signingKeyStore(config, database.db),
      clock: systemClock,
      issuer: config.publicUrl,
      audience: config.publicUrl,
      ttlSeconds: config.accessTokenTtl,
      algorithm: config.accessTokenAlg,
    });
    const event: AuditEvent = {
      org: SYSTEM_ORG_SLUG,
      actor: { type: 'system', id: 'cli' },
      action: 'keys.rotate',
      resource: 'signing-keys:access-tokens',
      result: 'success',
      sourceIp: null,
      requestId: null,
      details: { purpose: 'access-tokens', trigger: 'cli' },
    };
    const kid = await auditedChange(auditing.log, event, () => tokens.rotate()).finally(() => auditing.close());
    const published = tokens.jwks().keys.map((key) => key.kid ?? '');
    out.result({ kid, published }, `new signing key ${kid}; published: ${published.join(', ')}`);
    return 0;
  } finally {
    await database.close();
  }
}

/**
 * `rampart keys rotate-kek`: moves every data key, and the material later capabilities keep under
 * the KEK (the signing keyring's seeds), onto a new key-encryption key while servers keep serving
 * (secrets/services/kek-rotation.ts); progress on stderr, the result on stdout (`--json`). After a
 * crash, running it again resumes the interrupted rotation and finishes it. Audited as
 * `secrets.kek.rotate` in the `system` org (by the rotation itself).
 *
 * It starts Rampart through `compose` (every capability, no background work) so that each
 * capability holding KEK-wrapped material has registered on `Secrets.kekHolders` before the
 * rotation runs: an old KEK is never retired or destroyed while one of them still needs it.
 */
export async function runKeysRotateKek(config: RampartConfig, out: Output, compose: CommandContext['compose']): Promise<number> {
  const { facade: secrets, close } = await compose(config, 'secrets');
  try {
    const result = await secrets.rotation.rotate((progress) =>
      out.progress(progress.done, progress.total, `data keys rewrapped under ${progress.kek}`),
    );
    const held = Object.entries(result.holders)
      .map(([name, moved]) => `${name} ${moved.rewrapped}${moved.failed === 0 ? '' : ` (${moved.failed} failed)`}`)
      .join(', ');
    out.result(
      {
        kek: result.kek,
        source: secrets.kek.source,
        resumed: result.resumed,
        rewrapped: result.rewrapped,
        failed: result.failed,
        holders: result.holders,
        retired: result.retired,
      },
      `${result.resumed ? 'resumed; ' : ''}every data key is wrapped under ${result.kek} (${secrets.kek.source}); rewrapped ${result.rewrapped}` +
        `${held === '' ? '' : `; also rewrapped: ${held}`}` +
        `${result.failed === 0 ? '' : `, ${result.failed} failed their integrity check`}; retired: ${result.retired.join(', ') || 'none'}`,
    );
    return result.failed === 0 ? 0 : 1;
  } finally {
    await close();
  }
}
