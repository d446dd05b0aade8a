/**
 * `rampart keys rotate`: adds a new access-token signing key to the shared store and demotes the
 * active one to `retiring` (it keeps verifying, and stays in the JWKS, for an hour). Running
 * instances pick the new key up at their next key reload (30 s); no request fails across it.
 */
import { prepareDataDirectory } from '../../kernel/adapters/fs/data-directory.js';
import { createLogger } from '../../kernel/adapters/log/pino-logger.js';
import { migrateToLatest, openDatabase } from '../../kernel/adapters/sql/sql-database.js';
import { SqlSecretBackend } from '../../secrets/index.js';
import { composeAudit, type Auditing } from '../../audit/index.js';
import { signingKeyStore } from '../../identity/index.js';
import { kekProviderOf } from '../../secrets/index.js';
import type { RampartConfig } from '../../kernel/config.js';
import { systemClock } from '../../kernel/ports/clock.js';
import { SYSTEM_ORG_SLUG } from '../../kernel/domain/system-org.js';
import { KekRotation } from '../../secrets/index.js';
import { TokenService } from '../../identity/index.js';
import type { Output } from '../../kernel/cli/output.js';

export async function runKeysRotate(config: RampartConfig, out: Output): Promise<number> {
  prepareDataDirectory(config.dataDir);
  const database = openDatabase({ url: config.databaseUrl, migrationUrl: config.databaseMigrationUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(database);
    const tokens = new TokenService({
      store: signingKeyStore(config, database.db),
      clock: systemClock,
      issuer: config.publicUrl,
      audience: config.publicUrl,
      ttlSeconds: config.accessTokenTtl,
      algorithm: config.accessTokenAlg,
    });
    const kid = await tokens.rotate();
    const published = tokens.jwks().keys.map((key) => key.kid ?? '');
    out.result({ kid, published }, `new signing key ${kid}; published: ${published.join(', ')}`);
    return 0;
  } finally {
    await database.close();
  }
}

/**
 * `rampart keys rotate-kek`: moves every data key onto a new key-encryption key while servers keep
 * serving (secrets/services/kek-rotation.ts); progress on stderr, the result on stdout (`--json`). After a
 * crash, running it again resumes the interrupted rotation and finishes it. Audited as
 * `secrets.kek.rotate` in the `system` org.
 */
export async function runKeysRotateKek(config: RampartConfig, out: Output): Promise<number> {
  prepareDataDirectory(config.dataDir);
  const database = openDatabase({ url: config.databaseUrl, migrationUrl: config.databaseMigrationUrl, dataDir: config.dataDir });
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, process.stderr);
  let auditing: Auditing | undefined;
  const kek = kekProviderOf(config);
  try {
    await migrateToLatest(database);
    auditing = await composeAudit(config, database, systemClock, logger);
    const rotation = new KekRotation(new SqlSecretBackend(database.db, database.dialect).keks, kek, systemClock);
    const result = await rotation.rotate((progress) =>
      out.progress(progress.done, progress.total, `data keys rewrapped under ${progress.kek}`),
    );
    await auditing.log.record({
      org: SYSTEM_ORG_SLUG,
      actor: { type: 'system', id: null },
      action: 'secrets.kek.rotate',
      resource: `kek:${result.kek}`,
      result: result.failed === 0 ? 'success' : 'failure',
      ...(result.failed === 0 ? {} : { reason: 'data_keys_failed_integrity' }),
      sourceIp: null,
      requestId: null,
      details: {
        source: kek.source,
        resumed: result.resumed,
        rewrapped: result.rewrapped,
        failed: result.failed,
        retired: [...result.retired],
      },
    });
    out.result(
      {
        kek: result.kek,
        source: kek.source,
        resumed: result.resumed,
        rewrapped: result.rewrapped,
        failed: result.failed,
        retired: result.retired,
      },
      `${result.resumed ? 'resumed; ' : ''}every data key is wrapped under ${result.kek} (${kek.source}); rewrapped ${result.rewrapped}` +
        `${result.failed === 0 ? '' : `, ${result.failed} failed their integrity check`}; retired: ${result.retired.join(', ') || 'none'}`,
    );
    return result.failed === 0 ? 0 : 1;
  } finally {
    await auditing?.close();
    await kek.close();
    await database.close();
  }
}
