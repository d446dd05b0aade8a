/**
 * What `rampart init` and every start do first: the data directory (0700, refused when open to
 * other users) and, when no RAMPART_MASTER_KEY is given, the master key file (0600). Apart from
 * the server so that `rampart init` need not load it.
 */
import type { RampartConfig } from '../../config.js';
import { prepareDataDirectory } from './data-directory.js';
import { existsSync } from 'node:fs';
import { sealedRootPath } from '../../custody/sealed-root-file.js';
import { ensureMasterKeyFile, masterKeyPath } from './master-key-file.js';

/**
 * Prepares `config.dataDir`; returns whether a master key file was created now. Idempotent. No key
 * file is made when a PKCS#11 token keeps the root key instead (kernel/custody/key-custody.ts): one
 * is sealed there already, or this is a fresh deployment with RAMPART_KEK_SOURCE=pkcs11.
 */
export function initialiseDataDirectory(config: Pick<RampartConfig, 'dataDir' | 'masterKey'> & Partial<Pick<RampartConfig, 'kekSource'>>): {
  masterKeyCreated: boolean;
} {
  prepareDataDirectory(config.dataDir);
  const underToken =
    existsSync(sealedRootPath(config.dataDir)) || (config.kekSource === 'pkcs11' && !existsSync(masterKeyPath(config.dataDir)));
  const masterKeyCreated = config.masterKey === undefined && !underToken ? ensureMasterKeyFile(config.dataDir) : false;
  return { masterKeyCreated };
}
