/**
 * The master key every purpose-bound key is derived from (`crypto/derive-key.ts`): the
 * RAMPART_MASTER_KEY variable, else the key file in the data directory, created at first use.
 */
import { initialiseDataDirectory } from './adapters/fs/initialise-data-directory.js';
import { readMasterKeyFile } from './adapters/fs/master-key-file.js';
import type { RampartConfig } from './config.js';
import type { Secret } from './domain/secret.js';

/** The master key: RAMPART_MASTER_KEY, else the key file in the data directory (created if absent). */
export function masterKeyOf(config: RampartConfig): Secret<Buffer> {
  if (config.masterKey !== undefined) return config.masterKey;
  initialiseDataDirectory(config);
  const key = readMasterKeyFile(config.dataDir);
  if (key === undefined) throw new Error('the master key file could not be created in RAMPART_DATA_DIR');
  return key;
}
