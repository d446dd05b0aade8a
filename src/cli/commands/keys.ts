/**
 * `rampart keys rotate`: adds a new access-token signing key to the shared store and demotes the
 * active one to `retiring` (it keeps verifying, and stays in the JWKS, for an hour). Running
 * instances pick the new key up at their next key reload (30 s); no request fails across it.
 */
import { prepareDataDirectory } from '../../adapters/fs/data-directory.js';
import { migrateToLatest, openDatabase } from '../../adapters/sql/sql-database.js';
import { signingKeyStore } from '../../compose-identity.js';
import type { RampartConfig } from '../../config.js';
import { systemClock } from '../../ports/clock.js';
import { TokenService } from '../../services/token-service.js';
import type { Output } from '../output.js';

export async function runKeysRotate(config: RampartConfig, out: Output): Promise<number> {
  prepareDataDirectory(config.dataDir);
  const database = openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(database);
    const tokens = new TokenService({
      store: signingKeyStore(config, database.db),
      clock: systemClock,
      issuer: config.publicUrl,
      audience: config.publicUrl,
      ttlSeconds: config.accessTokenTtl,
    });
    const kid = await tokens.rotate();
    const published = tokens.jwks().keys.map((key) => key.kid ?? '');
    out.result({ kid, published }, `new signing key ${kid}; published: ${published.join(', ')}`);
    return 0;
  } finally {
    await database.close();
  }
}
