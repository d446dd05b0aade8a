/**
 * What `rampart init` and every start do first: the data directory (0700, refused when open to
 * other users) and, when no RAMPART_MASTER_KEY is given, the master key file (0600). Apart from
 * the server so that `rampart init` need not load it.
 */
import type { RampartConfig } from '../../config.js';
import { prepareDataDirectory } from './data-directory.js';
import { ensureMasterKeyFile } from './master-key-file.js';

/** Prepares `config.dataDir`; returns whether a master key file was created now. Idempotent. */
export function initialiseDataDirectory(config: Pick<RampartConfig, 'dataDir' | 'masterKey'>): { masterKeyCreated: boolean } {
  prepareDataDirectory(config.dataDir);
  const masterKeyCreated = config.masterKey === undefined ? ensureMasterKeyFile(config.dataDir) : false;
  return { masterKeyCreated };
}
